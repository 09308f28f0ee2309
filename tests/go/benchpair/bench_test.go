package benchpair

import (
	"math/rand"
	"testing"
)

// Made about 2× slower in the new version.
func BenchmarkParse(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += parse(50)
	}
}

// Unchanged, and noisy on purpose: each run does a random share of extra work.
func BenchmarkHashNoisy(b *testing.B) {
	extra := rand.Intn(6)
	buf := make([]byte, 64)
	for i := 0; i < b.N; i++ {
		h := hash(buf, 4+extra)
		sink += int(h[0])
	}
}

// A noiseless custom unit: every run reports the same figure.
func BenchmarkReport(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += parseOnce(5)
	}
	b.ReportMetric(42, "widgets/op")
	b.ReportMetric(float64(b.N)*0+3.5, "ns/widget")
}

// -benchmem: allocations per operation.
func BenchmarkAlloc(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for j := 0; j < allocsPer; j++ {
			sink += len(fill(8))
		}
	}
}

// Sub-benchmarks, with b.SetBytes (MB/s).
func BenchmarkCopy(b *testing.B) {
	for _, size := range []int{64, 4096} {
		b.Run("size="+itoa(size), func(b *testing.B) {
			src := make([]byte, size)
			dst := make([]byte, size)
			b.SetBytes(int64(size))
			for i := 0; i < b.N; i++ {
				copy(dst, src)
				sink += int(dst[0])
			}
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
