module gpw.test/benchpair

go 1.22
