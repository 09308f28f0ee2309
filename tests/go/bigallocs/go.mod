module gpw/tests/bigallocs

go 1.22
