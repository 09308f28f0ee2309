// Package sub is a second package, so that `go test ./...` writes two configurations (two pkg
// lines) into one benchmark output.
package sub

import (
	"sort"
	"testing"
)

var sink int

func sortInts(b *testing.B, size int) {
	data := make([]int, size)
	for i := 0; i < b.N; i++ {
		for j := range data {
			data[j] = (j * 7919) % size
		}
		sort.Ints(data)
		sink += data[0]
	}
}

func BenchmarkSort(b *testing.B)    { sortInts(b, 256) }
func BenchmarkSortBig(b *testing.B) { sortInts(b, 2048) }
