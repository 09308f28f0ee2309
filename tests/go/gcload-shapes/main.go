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
//
// Flags: -shape, -steps (per mutator), -work (arithmetic rounds per step), -trace FILE (a
// runtime/trace of the same run). Two mutators; GOMAXPROCS from the environment. At exit one
// JSON line of runtime/metrics figures and the process CPU time on stdout (rusage.go).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/trace"
	"sync"
	"time"
)

const (
	payloadBytes = 256
	mutators     = 2
	anchors      = 4096
	unit         = 192 + payloadBytes
)

type node struct {
	payload []byte
	refs    [20]*anchor
	seq     uint64
}

type anchor struct {
	id   uint64
	next *anchor
}

var anchorPool = func() []*anchor {
	p := make([]*anchor, anchors)
	for i := range p {
		p[i] = &anchor{id: uint64(i)}
		if i > 0 {
			p[i].next = p[i-1]
		}
	}
	return p
}()

// bigGlobals: 4 MB of pointers in the data segment (the "MB globals" the GC scans), used by the
// goroutines shape only (it fills them; the others leave them nil, which the GC scans all the same).
var bigGlobals [1 << 19]*anchor

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
// besides its node, at progress p in [0, 1).
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
	}
	fmt.Fprintf(os.Stderr, "gcload-shapes: unknown shape %q\n", shape)
	os.Exit(2)
	return 0, 0
}

var sink uint64

func spin(n int, x uint64) uint64 {
	for i := 0; i < n; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

func mutator(id int, shape string, steps int, work int, wg *sync.WaitGroup) {
	defer wg.Done()
	var live []*node
	leak := shape == "leak"
	x := uint64(id + 1)
	for s := 0; s < steps; s++ {
		liveMB, extra := plan(shape, float64(s)/float64(steps))
		want := int(liveMB * (1 << 20) / mutators / unit)
		n := &node{payload: make([]byte, payloadBytes), seq: uint64(s)}
		n.payload[0] = byte(s)
		for r := range n.refs {
			n.refs[r] = anchorPool[(s*31+r*97)%anchors]
		}
		switch {
		case len(live) < want:
			live = append(live, n)
		case len(live) > want+1 && !leak:
			// Drop at once what the plan no longer keeps (a batch phase ends).
			for i := want; i < len(live); i++ {
				live[i] = nil
			}
			live = live[:want]
		default:
			if len(live) > 0 && !leak {
				live[(s*104729)%len(live)] = n
			}
		}
		if extra > 0 {
			g := make([]byte, extra)
			g[0] = byte(s)
			x += uint64(g[extra-1])
		}
		x = spin(work, x)
	}
	sink += x + uint64(len(live))
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
			bigGlobals[i] = anchorPool[i%anchors]
		}
		var ready sync.WaitGroup
		for i := 0; i < 2000; i++ {
			ready.Add(1)
			go park(24, done, &ready)
		}
		ready.Wait()
	}
	var wg sync.WaitGroup
	for i := 0; i < mutators; i++ {
		wg.Add(1)
		go mutator(i, *shape, *steps, *work, &wg)
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

	names := []string{"/gc/cycles/total:gc-cycles", "/gc/heap/allocs:bytes", "/memory/classes/total:bytes", "/memory/classes/heap/released:bytes",
		"/memory/classes/heap/free:bytes", "/memory/classes/heap/objects:bytes", "/gc/limiter/last-enabled:gc-cycle"}
	known := map[string]bool{}
	for _, d := range metrics.All() {
		known[d.Name] = true
	}
	var samples []metrics.Sample
	for _, n := range names {
		if known[n] {
			samples = append(samples, metrics.Sample{Name: n})
		}
	}
	metrics.Read(samples)
	out := map[string]float64{"wallSeconds": wall, "cpuSeconds": cpu, "gomaxprocs": float64(runtime.GOMAXPROCS(0))}
	for _, s := range samples {
		if s.Value.Kind() == metrics.KindUint64 {
			out[s.Name] = float64(s.Value.Uint64())
		}
	}
	json.NewEncoder(os.Stdout).Encode(out)
	if sink == 42 {
		fmt.Println()
	}
}
