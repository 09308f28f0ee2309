// Package benchpair is the workload of gpw's benchmark comparison tests: the same benchmarks in
// two versions (the "new" one built with -tags benchnew), to compare with benchstat.
package benchpair

import (
	"crypto/sha256"
	"strconv"
)

var sink int

// parse sums the digits of n decimal numbers; the new version does it twice (about 2× slower).
func parseOnce(n int) int {
	total := 0
	for i := 0; i < n; i++ {
		s := strconv.Itoa(i * 7919)
		for j := 0; j < len(s); j++ {
			total += int(s[j] - '0')
		}
	}
	return total
}

func hash(buf []byte, rounds int) [32]byte {
	var h [32]byte
	for i := 0; i < rounds; i++ {
		h = sha256.Sum256(append(buf, h[:]...))
	}
	return h
}

func fill(size int) []int {
	out := make([]int, 0, 4)
	for i := 0; i < size; i++ {
		out = append(out, i)
	}
	return out
}
