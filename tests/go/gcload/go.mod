module gpw/tests/gcload

go 1.19
