module gpw/tests/gcloadshapes

go 1.19
