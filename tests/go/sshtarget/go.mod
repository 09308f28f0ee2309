module gpw/tests/go/sshtarget

go 1.22
