module gpw.test/gctracepair

go 1.22
