// profpair writes pairs of real profiles of the same kind for gpw's diff, merge and filter
// tests: two CPU profiles of one program with a different mix of work (pprof labels on the
// workers, direct recursion, inlined calls) and two heap profiles after allocating objects of
// several sizes (Go records each heap sample's object size as the numeric label "bytes").
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"syscall"
	"time"
)

var sink uint64

var sortBuf []int

//go:noinline
func recurse(n int) uint64 {
	if n == 0 {
		return spin(2000)
	}
	return recurse(n-1) + uint64(n)
}

// spin is small enough to be inlined into its callers.
func spin(n int) uint64 {
	x := sink
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

//go:noinline
func hashWork(n int) uint64 {
	var h uint64
	for i := 0; i < n; i++ {
		h ^= spin(64)
	}
	return h
}

//go:noinline
func sortWork(n int) {
	// One buffer for every call: the CPU phases allocate nothing, so no GC worker lands in the
	// profiles at random (runtime frames whose values cancel in a diff make pprof's inline
	// marks depend on residual edges; see the analysis issue's note).
	if cap(sortBuf) < n {
		sortBuf = make([]int, n)
	}
	xs := sortBuf[:n]
	x := spin(3)
	for i := range xs {
		// Distinct values: a slice of equal ones sorts in one pass, and sort.go would see no samples.
		x = x*6364136223846793005 + 1442695040888963407
		xs[i] = int(x>>33) % 100000
	}
	sort.Ints(xs)
}

// cpuTime is the CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runFor runs f repeatedly, under the label worker=name, until the process has used d of CPU
// time: the profile then holds about d of samples however loaded the machine is.
func runFor(d time.Duration, name string, f func()) {
	pprof.Do(context.Background(), pprof.Labels("worker", name), func(context.Context) {
		for end := cpuTime() + d; cpuTime() < end; {
			f()
		}
	})
}

func cpuProfile(path string, mix [3]time.Duration) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	runFor(mix[0], "recurse", func() { sink += recurse(40) })
	runFor(mix[1], "hash", func() { sink += hashWork(5000) })
	runFor(mix[2], "sort", func() { sortWork(20000) })
	pprof.StopCPUProfile()
	return nil
}

var keep [][]byte

//go:noinline
func allocSmall(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 512))
	}
}

//go:noinline
func allocMedium(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 8192))
	}
}

//go:noinline
func allocLarge(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 65536))
	}
}

func heapProfile(path string) error {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}

func run(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	ms := time.Millisecond
	if err := cpuProfile(filepath.Join(out, "cpu-a.pb.gz"), [3]time.Duration{300 * ms, 300 * ms, 200 * ms}); err != nil {
		return err
	}
	// b: half the recursion, three times the hashing, more sorting. Three times, not one and a
	// half: on a loaded machine the profiler's samples fell short of the CPU time unevenly, and one
	// pair showed hashWork +18 % (280 → 330 ms), too pale a red for the diff views' tests.
	if err := cpuProfile(filepath.Join(out, "cpu-b.pb.gz"), [3]time.Duration{150 * ms, 900 * ms, 300 * ms}); err != nil {
		return err
	}
	runtime.MemProfileRate = 4096
	allocSmall(4000)
	allocMedium(300)
	allocLarge(40)
	if err := heapProfile(filepath.Join(out, "heap-a.pb.gz")); err != nil {
		return err
	}
	allocSmall(2000)
	allocMedium(600)
	allocLarge(20)
	if err := heapProfile(filepath.Join(out, "heap-b.pb.gz")); err != nil {
		return err
	}
	runtime.KeepAlive(keep)
	return nil
}

func main() {
	out := flag.String("out", "", "directory to write the profiles into")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "profpair: -out DIR is required")
		os.Exit(2)
	}
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "profpair:", err)
		os.Exit(1)
	}
}
