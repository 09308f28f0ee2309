// Package sub is a second package, so that `go test ./...` writes two configurations (two pkg
// lines) into one benchmark output.
package sub

import (
	"sort"
	"testing"
)

var sink int

func BenchmarkSort(b *testing.B) {
	data := make([]int, 256)
	for i := 0; i < b.N; i++ {
		for j := range data {
			data[j] = (j * 7919) % 256
		}
		sort.Ints(data)
		sink += data[0]
	}
}

func BenchmarkSortBig(b *testing.B) {
	data := make([]int, 2048)
	for i := 0; i < b.N; i++ {
		for j := range data {
			data[j] = (j * 7919) % 2048
		}
		sort.Ints(data)
		sink += data[0]
	}
}
