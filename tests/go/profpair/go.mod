module gpw/tests/profpair

go 1.22
