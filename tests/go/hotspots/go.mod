module gpw/tests/hotspots

go 1.22
