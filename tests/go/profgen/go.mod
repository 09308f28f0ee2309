module gpw/tests/profgen

go 1.22
