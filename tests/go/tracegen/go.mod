module gpw.test/tracegen

go 1.21
