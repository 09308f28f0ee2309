module gpw/tests/dumpgen

go 1.20
