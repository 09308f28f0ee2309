// gcload-shapes: the workloads of gpw's GC what-if validation corpus (docs/gc-validation.md).
// Each shape is a deterministic program whose live heap and allocation rate follow a fixed plan
// over its progress, so another GOGC / GOMEMLIMIT changes only when collections happen:
//
//	steady      a 16 MB live heap, a constant allocation rate
//	ramp        the live heap grows from 4 to 40 MB
//	sawtooth    four batch phases: each builds a 32 MB live heap and drops it at once
//	leak        a 8 MB live heap that leaks slowly (never freed) to 28 MB
//	goroutines  2000 parked goroutines with grown stacks (~26 MB), 4 MB of pointer-dense
//	            globals filled, a 12 MB live heap
//	bursts      a 12 MB live heap; in eight short windows every step allocates 2 KB of garbage
//	cache       a map-based cache of byte values (64 B to 64 KB, 1 in 128 a large object) held at
//	            24 MB, a random entry evicted per insert: mixed size classes, pointer-light
//	trees       a FIFO ring of small binary trees (31 nodes of 24 bytes, two pointers each) held at
//	            20 MB: tiny pointer-dense objects that die in the order they were made
//
// cache and trees (cacheMutator, treesMutator) were added after the model's development, as
// programs it had not seen (held out, docs/gc-validation.md).
//
// Flags: -shape, -steps (per mutator), -work (arithmetic rounds per step), -trace FILE (a
// runtime/trace of the same run). Two mutators; GOMAXPROCS from the environment. At exit one
// JSON line of runtime/metrics figures and the process CPU time on stdout (rusage.go).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"math"
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"runtime/trace"
	"sync"
	"time"
)

// A record is one allocation step's object: 20 pointers into the pointer-free `targets` table
// (they keep nothing else alive, and the GC follows them) and a pointer-free tail, 416 bytes.
type record struct {
	links [20]*target
	step  uint64
	tail  [248]byte
}

type target struct{ n uint64 }

const (
	workers     = 2
	recordBytes = 416
)

var targets [4096]target

// bigGlobals: 4 MB of pointers in the data segment (the "MB globals" the GC scans), filled by the
// goroutines shape only (the others leave them nil, which the GC scans all the same).
var bigGlobals [1 << 19]*target

func lerp(curve [][2]float64, p float64) float64 {
	for i := 1; i < len(curve); i++ {
		if p <= curve[i][0] {
			a, b := curve[i-1], curve[i]
			if b[0] == a[0] {
				return b[1]
			}
			return a[1] + (b[1]-a[1])*(p-a[0])/(b[0]-a[0])
		}
	}
	return curve[len(curve)-1][1]
}

// plan: the live heap (MB, both mutators together) and the garbage bytes each step allocates
// besides its record, at progress p in [0, 1).
func plan(shape string, p float64) (liveMB float64, extra int) {
	switch shape {
	case "steady":
		return 16, 0
	case "ramp":
		return 4 + 36*p, 0
	case "sawtooth":
		phase := math.Mod(p*4, 1)
		if phase < 0.8 {
			return 4 + 28*phase/0.8, 0
		}
		return 4, 0
	case "leak":
		return 8 + 20*p, 0
	case "goroutines":
		return 12, 0
	case "bursts":
		w := math.Mod(p*8, 1)
		if w < 0.25 {
			return 12, 2048
		}
		return 12, 0
	case "cache":
		return 24, 0
	case "trees":
		return 20, 0
	}
	fmt.Fprintf(os.Stderr, "gcload-shapes: unknown shape %q\n", shape)
	os.Exit(2)
	return 0, 0
}

var sink uint64

// churn: `rounds` steps of a 64-bit linear congruential generator (CPU work between allocations).
func churn(rounds int, v uint64) uint64 {
	for ; rounds > 0; rounds-- {
		v = v*6364136223846793005 + 1442695040888963407
	}
	return v
}

func mutator(id int, shape string, steps int, work int, wg *sync.WaitGroup) {
	defer wg.Done()
	var kept []*record
	leak := shape == "leak"
	v := uint64(id)*7919 + 3
	for s := 0; s < steps; s++ {
		liveMB, garbage := plan(shape, float64(s)/float64(steps))
		keep := int(liveMB * (1 << 20) / workers / recordBytes)
		r := &record{step: uint64(s)}
		r.tail[s%len(r.tail)] = byte(s)
		for j := range r.links {
			r.links[j] = &targets[(s*17+j*131)%len(targets)]
		}
		if len(kept) < keep {
			kept = append(kept, r)
		} else if !leak && len(kept) > keep+1 {
			// A batch phase ends: what the plan no longer keeps goes at once.
			for j := keep; j < len(kept); j++ {
				kept[j] = nil
			}
			kept = kept[:keep]
		} else if !leak && len(kept) > 0 {
			kept[(s*7907)%len(kept)] = r
		}
		if garbage > 0 {
			buf := make([]byte, garbage)
			buf[s%garbage] = 1
			v += uint64(buf[garbage-1])
		}
		v = churn(work, v)
	}
	sink += v + uint64(len(kept))
}

// cacheMutator: a cache of byte values in a map, held at its share of the plan's live heap: each
// step stores a value of a drawn size under a drawn key (most keys are new) and evicts drawn
// entries while the cache is over its size.
func cacheMutator(id int, steps int, work int, wg *sync.WaitGroup) {
	defer wg.Done()
	liveMB, _ := plan("cache", 0)
	capacity := int(liveMB * (1 << 20) / workers)
	m := make(map[uint64][]byte)
	var keys []uint64
	size := 0
	v := uint64(id)*7919 + 3
	next := func() uint64 {
		v = v*6364136223846793005 + 1442695040888963407
		return v
	}
	for s := 0; s < steps; s++ {
		r := next()
		n := 64 + int(r>>40)%448
		if r>>57 == 0 { // 1 in 128: 4 KB to 64 KB
			n = 4096 + int(r>>20)%61440
		}
		key := (r >> 8) % (1 << 20)
		buf := make([]byte, n)
		buf[s%n] = byte(s)
		if old, ok := m[key]; ok {
			size -= len(old)
		} else {
			keys = append(keys, key)
		}
		m[key] = buf
		size += n
		for size > capacity && len(keys) > 1 {
			i := int(next()>>33) % len(keys)
			k := keys[i]
			keys[i] = keys[len(keys)-1]
			keys = keys[:len(keys)-1]
			size -= len(m[k])
			delete(m, k)
		}
		v = churn(work, v)
	}
	sink += v + uint64(len(m))
}

// node: a binary tree node, two pointers and a value (24 bytes).
type node struct {
	l, r *node
	v    uint64
}

func tree(depth int, v uint64) *node {
	if depth == 0 {
		return &node{v: v}
	}
	return &node{l: tree(depth-1, v*3+1), r: tree(depth-1, v*5+2), v: v}
}

// treesMutator: each step makes a tree of 31 nodes and puts it in a ring held at the mutator's
// share of the plan's live heap, in place of the oldest.
func treesMutator(id int, steps int, work int, wg *sync.WaitGroup) {
	defer wg.Done()
	liveMB, _ := plan("trees", 0)
	ring := make([]*node, int(liveMB*(1<<20)/workers/(31*24)))
	v := uint64(id)*7919 + 3
	for s := 0; s < steps; s++ {
		ring[s%len(ring)] = tree(4, v)
		v = churn(work, v+ring[(s+1)%len(ring)].vOr(0))
	}
	sink += v
}

func (n *node) vOr(d uint64) uint64 {
	if n == nil {
		return d
	}
	return n.v
}

// park: a goroutine that grows its stack to about 16 KB and waits.
func park(depth int, done <-chan struct{}, ready *sync.WaitGroup) byte {
	var frame [512]byte
	frame[depth%512] = byte(depth)
	if depth > 0 {
		return park(depth-1, done, ready) + frame[0]
	}
	ready.Done()
	<-done
	return frame[0]
}

func main() {
	shape := flag.String("shape", "steady", "workload shape")
	steps := flag.Int("steps", 800_000, "allocation steps per mutator")
	work := flag.Int("work", 60, "arithmetic rounds per step")
	traceFile := flag.String("trace", "", "write a runtime/trace of the run here")
	flag.Parse()

	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	start := time.Now()
	done := make(chan struct{})
	if *shape == "goroutines" {
		for i := range bigGlobals {
			bigGlobals[i] = &targets[i%len(targets)]
		}
		var ready sync.WaitGroup
		for i := 0; i < 2000; i++ {
			ready.Add(1)
			go park(24, done, &ready)
		}
		ready.Wait()
	}
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		switch *shape {
		case "cache":
			go cacheMutator(i, *steps, *work, &wg)
		case "trees":
			go treesMutator(i, *steps, *work, &wg)
		default:
			go mutator(i, *shape, *steps, *work, &wg)
		}
	}
	wg.Wait()
	close(done)
	wall := time.Since(start).Seconds()
	cpu := cpuSeconds()
	// Let a running cycle finish and print its line; start no other.
	debug.SetMemoryLimit(math.MaxInt64)
	debug.SetGCPercent(-1)
	time.Sleep(50 * time.Millisecond)
	if *traceFile != "" {
		trace.Stop()
	}

	// runtime/metrics figures at exit (those this Go release has), with the CPU the run got.
	want := map[string]bool{"/gc/cycles/total:gc-cycles": true, "/gc/heap/allocs:bytes": true, "/memory/classes/total:bytes": true,
		"/memory/classes/heap/released:bytes": true, "/memory/classes/heap/free:bytes": true, "/memory/classes/heap/objects:bytes": true,
		"/gc/limiter/last-enabled:gc-cycle": true}
	var read []rtmetrics.Sample
	for _, d := range rtmetrics.All() {
		if want[d.Name] {
			read = append(read, rtmetrics.Sample{Name: d.Name})
		}
	}
	rtmetrics.Read(read)
	out := map[string]float64{"wallSeconds": wall, "cpuSeconds": cpu, "gomaxprocs": float64(runtime.GOMAXPROCS(0))}
	for _, r := range read {
		if r.Value.Kind() == rtmetrics.KindUint64 {
			out[r.Name] = float64(r.Value.Uint64())
		}
	}
	json.NewEncoder(os.Stdout).Encode(out)
	if sink == 42 {
		fmt.Println()
	}
}
