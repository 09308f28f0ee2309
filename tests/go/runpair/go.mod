module gpw.test/runpair

go 1.22
