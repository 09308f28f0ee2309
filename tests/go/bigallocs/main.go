// Command bigallocs writes a large, real allocs profile for gpw's import
// benchmark: with runtime.MemProfileRate = 1 every allocation is recorded, and
// the allocations come from tens of thousands of distinct call stacks.
//
//	go build -o ../bin/bigallocs . && ../bin/bigallocs -out DIR
//
// Shape of the workload: run() calls walk 80,000 times with a path number
// p = i % 4096. walk descends 12 levels; at each level one of four functions
// (main.levelA .. main.levelD) is chosen from p, allocates one small object
// and descends. At the bottom main.leafEven or main.leafOdd allocates four more
// objects at four different lines. 16 allocations per walk, about 1.28 million
// in all, nothing kept live. The first six levels use two bits of p each, so
// the 4096 paths are all distinct, giving roughly 47,000 distinct stacks
// (sample records), a ~350 KB allocs.pb.gz, in about 3 s. With -bits 12 -iters N -paths N
// every walk takes its own path: about 8.7 records per walk (its four leaf
// lines, and the level prefixes it is first to reach), so 175,000 walks give
// about 1.5 million distinct records in about 20 s (the speed benchmark's
// runtime-written allocs profile: tests/bench/profile-bench.mjs).
//
// Standard library only.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

const depth = 12

type obj16 struct{ a, b uint64 }
type obj32 struct{ a, b, c, d uint64 }
type obj48 struct{ a, b, c, d, e, f uint64 }

// Sinks make every allocation escape; they are overwritten at once, so
// nothing stays live.
var (
	sinkBytes []byte
	sink16    *obj16
	sink32    *obj32
	sink48    *obj48
	sinkInts  []int
)

// levels is filled in init to avoid an initialization cycle.
var levels [4]func(d int, p uint32)

func init() {
	levels = [4]func(int, uint32){levelA, levelB, levelC, levelD}
}

func main() {
	runtime.MemProfileRate = 1 // record every allocation

	out := flag.String("out", "", "directory to write allocs.pb.gz into (created if missing)")
	iters := flag.Int("iters", 80000, "number of walks (16 allocations each)")
	paths := flag.Int("paths", 4096, "number of distinct walk paths (at most 4^bits are fully distinct)")
	flag.IntVar(&pathBits, "bits", 6, "levels (from the top, at most 12) chosen by two bits of the path number; a hash chooses below them")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: bigallocs -out DIR [-iters N] [-paths N]")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatal(err)
	}
	start := time.Now()

	run(*iters, uint32(*paths))
	sinkBytes, sink16, sink32, sink48, sinkInts = nil, nil, nil, nil, nil
	runtime.GC() // publish every recorded allocation

	path := filepath.Join(*out, "allocs.pb.gz")
	f, err := os.Create(path)
	if err != nil {
		fatal(err)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fatal(err)
	}
	if err := f.Close(); err != nil {
		fatal(err)
	}
	fmt.Printf("bigallocs: wrote %s in %s\n", path, time.Since(start).Round(time.Millisecond))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bigallocs:", err)
	os.Exit(1)
}

//go:noinline
func run(iters int, paths uint32) {
	if paths == 0 {
		paths = 1
	}
	for i := 0; i < iters; i++ {
		descend(depth, uint32(i)%paths)
	}
}

// pathBits is how many levels from the top two bits of the path number choose (-bits).
var pathBits = 6

// choice picks the function for level d of path p: two bits of p for the
// first pathBits levels, a hash of (p, d) below that.
func choice(d int, p uint32) uint32 {
	level := depth - d // 0 at the top
	if level < pathBits {
		return (p >> (2 * level)) & 3
	}
	h := (p + uint32(d)*0x9e3779b9) * 0x85ebca6b
	return (h >> 13) & 3
}

// descend dispatches to the next level (or a leaf). It is not inlined, so each
// stack alternates main.levelX / main.descend: about 30 frames deep, within
// the runtime's default memory-profile stack depth.
//
//go:noinline
func descend(d int, p uint32) {
	if d == 0 {
		if p&1 == 0 {
			leafEven(p)
		} else {
			leafOdd(p)
		}
		return
	}
	levels[choice(d, p)](d, p)
}

//go:noinline
func levelA(d int, p uint32) {
	sink16 = &obj16{a: uint64(p)}
	descend(d-1, p)
}

//go:noinline
func levelB(d int, p uint32) {
	sink32 = &obj32{a: uint64(p)}
	descend(d-1, p)
}

//go:noinline
func levelC(d int, p uint32) {
	sink48 = &obj48{a: uint64(p)}
	descend(d-1, p)
}

//go:noinline
func levelD(d int, p uint32) {
	sinkBytes = make([]byte, 8+int(p%7)*8)
	descend(d-1, p)
}

//go:noinline
func leafEven(p uint32) {
	sink16 = &obj16{a: uint64(p)}
	sink32 = &obj32{a: uint64(p)}
	sinkBytes = make([]byte, 24)
	sinkInts = make([]int, 3)
}

//go:noinline
func leafOdd(p uint32) {
	sink48 = &obj48{a: uint64(p)}
	sinkBytes = make([]byte, 40)
	sinkInts = make([]int, 5)
	sink16 = &obj16{b: uint64(p)}
}
