//go:build benchnew

package benchpair

import "testing"

// BenchmarkOnlyNew exists in the new version only.
func BenchmarkOnlyNew(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += parseOnce(20)
	}
}
