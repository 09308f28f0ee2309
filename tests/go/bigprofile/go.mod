module gpw/tests/bigprofile

go 1.22
