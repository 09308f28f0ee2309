//go:build benchnew

package benchpair

func parse(n int) int { return parseOnce(n) + parseOnce(n) }

const allocsPer = 4
