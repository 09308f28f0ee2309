//go:build !benchnew

package benchpair

func parse(n int) int { return parseOnce(n) }

// allocsPer is how many slices BenchmarkAlloc makes per operation.
const allocsPer = 4
