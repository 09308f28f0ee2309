// hotspots: a small program with known hot spots for gpw's source, peek, disassembly and
// escape-analysis tests. It burns CPU in a few functions (one inlined into its caller),
// allocates at sites the compiler treats differently (escaping, moved to heap, not escaping
// but of a non-constant or too large size), blocks on channels, and writes cpu, heap and
// block profiles into -out. The line numbers of this file are what the tests look at.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

type record struct {
	id   int
	data []byte
}

var window [][]byte
var kept []*record
var sink int

// mix is small enough to be inlined into its callers.
func mix(x, y uint64) uint64 {
	return (x ^ y) * 0x9e3779b97f4a7c15
}

//go:noinline
func hash(n int) uint64 {
	h := uint64(1)
	for i := 0; i < n; i++ {
		h = mix(h, uint64(i))
		h ^= h >> 29
	}
	return h
}

//go:noinline
func spin(d time.Duration) uint64 {
	var acc uint64
	for i, end := 0, time.Now().Add(d); i < minSpinRounds || time.Now().Before(end); i++ {
		acc += hash(20000)
		acc ^= uint64(sum(64))
	}
	return acc
}

//go:noinline
func sum(n int) int {
	xs := make([]int, 8) // does not escape: on the stack
	for i := range xs {
		xs[i] = i * n
	}
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

//go:noinline
func allocate(rounds int) {
	for i := 0; i < rounds; i++ {
		buf := make([]byte, 512+(i%7)*256)
		buf[0] = byte(i)
		window = append(window, buf)
		if len(window) > 64 {
			window = window[1:]
		}
		r := newRecord(i)
		if i%16 == 0 {
			kept = append(kept, r)
		}
		sink += scratch(i)
		if i%32 == 0 {
			sink += big()
		}
	}
}

//go:noinline
func newRecord(i int) *record {
	r := record{id: i}
	r.data = make([]byte, 64)
	return &r
}

// scratch's buffer does not escape, but its size is not a constant: it is still allocated on the heap.
//
//go:noinline
func scratch(i int) int {
	tmp := make([]byte, 100+i%50)
	for j := range tmp {
		tmp[j] = byte(j)
	}
	return int(tmp[len(tmp)-1])
}

// big's array does not escape, but it is too large for the stack.
//
//go:noinline
func big() int {
	var a [1 << 18]byte
	p := &a
	p[7] = 1
	return int(p[7])
}

func block(rounds int) {
	var mu sync.Mutex
	ch := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < rounds; i++ {
			time.Sleep(200 * time.Microsecond)
			mu.Lock()
			ch <- i
			mu.Unlock()
		}
		close(ch)
	}()
	for v := range ch {
		sink += v
	}
	wg.Wait()
}

func main() {
	out := flag.String("out", ".", "folder for the profiles")
	cpu := flag.Duration("cpu", 1500*time.Millisecond, "CPU work (0: no CPU profile)")
	rounds := flag.Int("rounds", 3000, "allocation rounds")
	flag.Parse()
	runtime.MemProfileRate = 512
	runtime.SetBlockProfileRate(1)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	if *cpu > 0 {
		f, err := os.Create(filepath.Join(*out, "cpu.pb.gz"))
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		sink += int(spin(*cpu))
		pprof.StopCPUProfile()
		f.Close()
	}
	allocate(*rounds)
	block(200)
	runtime.GC()
	write := func(name, file string) {
		f, err := os.Create(filepath.Join(*out, file))
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
			log.Fatal(err)
		}
		f.Close()
	}
	write("heap", "heap.pb.gz")
	write("block", "block.pb.gz")
}

// minSpinRounds is the least work spin does, however long that takes: a loaded machine gives
// the process a fraction of the wall time, and the CPU profile (100 samples per CPU second) must
// still hold samples in hash and the inlined mix (about 0.5 s of CPU at 25 µs a round); on a
// quiet machine the -cpu wall time is the longer bound. Declared last: the line numbers above are
// what the tests look at.
const minSpinRounds = 20000
