// gcload: a deterministic allocation workload for gpw's GC what-if validation.
//
// Two mutator goroutines run the same fixed schedule: every step allocates one
// pointerful node (with a pointer-free payload) and does a fixed amount of
// arithmetic. The live heap follows a fixed curve over the run's progress (a ramp,
// a plateau, a drop, a spike, a tail), so a GOGC change moves only when collections
// happen, not what the program allocates. Two forced collections mark forced cycles
// (runtime.GC(), repeated when a cycle the heap started absorbed the call), and the program writes progress lines of its own to stderr, between gctrace's.
//
// Run it with GODEBUG=gctrace=1 (and any GOGC / GOMEMLIMIT); GOMAXPROCS is set to 2
// unless the environment says otherwise. At exit it prints one JSON line of
// runtime/metrics figures on stdout.
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
	"sync"
	"time"
)

const (
	payloadBytes = 256
	mutators     = 2
	anchors      = 4096
)

// A node is pointer-dense (its refs point at long-lived anchors, so they keep nothing else
// alive) and carries a pointer-free payload: about 40 % of the live heap is scannable.
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

// liveTargetMB: live heap (both mutators together) at progress p in [0, 1).
func liveTargetMB(p float64) float64 {
	type pt struct{ p, mb float64 }
	curve := []pt{{0, 4}, {0.15, 40}, {0.40, 40}, {0.50, 16}, {0.60, 16}, {0.72, 64}, {0.80, 64}, {0.85, 24}, {1, 24}}
	for i := 1; i < len(curve); i++ {
		if p <= curve[i].p {
			a, b := curve[i-1], curve[i]
			return a.mb + (b.mb-a.mb)*(p-a.p)/(b.p-a.p)
		}
	}
	return curve[len(curve)-1].mb
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

func mutator(id int, steps int, work int, progress func(id int, step int), wg *sync.WaitGroup) {
	defer wg.Done()
	const unit = 192 + payloadBytes // bytes per live node (size classes 192 + 256)
	var live []*node
	x := uint64(id + 1)
	for s := 0; s < steps; s++ {
		p := float64(s) / float64(steps)
		want := int(liveTargetMB(p) * (1 << 20) / mutators / unit)
		n := &node{payload: make([]byte, payloadBytes), seq: uint64(s)}
		n.payload[0] = byte(s)
		for r := range n.refs {
			n.refs[r] = anchorPool[(s*31+r*97)%anchors]
		}
		switch {
		case len(live) < want:
			live = append(live, n)
		case len(live) > want+1:
			// Shrink: drop two old nodes per step until the target is met.
			live[len(live)-1] = nil
			live[len(live)-2] = nil
			live = live[:len(live)-2]
		default:
			if len(live) > 0 {
				live[(s*104729)%len(live)] = n
			}
		}
		x = spin(work, x)
		if s%4096 == 0 {
			progress(id, s)
		}
	}
	sink += x + uint64(len(live))
}

func main() {
	steps := flag.Int("steps", 1_200_000, "allocation steps per mutator")
	work := flag.Int("work", 220, "arithmetic rounds per step")
	flag.Parse()
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2)
	}

	start := time.Now()
	var mu sync.Mutex
	forced := map[int]bool{}
	reported := map[int]bool{}
	progress := func(id int, s int) {
		if id != 0 {
			return
		}
		tenth := s * 10 / *steps
		mu.Lock()
		defer mu.Unlock()
		if !reported[tenth] {
			reported[tenth] = true
			fmt.Fprintf(os.Stderr, "gcload: %d0%% done, live target %.0f MB\n", tenth, liveTargetMB(float64(s)/float64(*steps)))
		}
		// Forced collections at half and nine tenths of the run.
		for _, at := range []int{5, 9} {
			if tenth == at && !forced[at] {
				forced[at] = true
				forceGC()
			}
		}
	}

	var wg sync.WaitGroup
	for i := 0; i < mutators; i++ {
		wg.Add(1)
		go mutator(i, *steps, *work, progress, &wg)
	}
	wg.Wait()
	wall := time.Since(start).Seconds()
	cpu := cpuSeconds()
	settleGC() // the figures below then count every cycle the log shows

	names := []string{
		"/gc/cycles/total:gc-cycles", "/gc/cycles/forced:gc-cycles", "/gc/heap/allocs:bytes",
		"/memory/classes/total:bytes", "/memory/classes/heap/released:bytes", "/memory/classes/heap/free:bytes",
		"/memory/classes/heap/objects:bytes", "/gc/limiter/last-enabled:gc-cycle",
	}
	samples := make([]metrics.Sample, 0, len(names))
	known := map[string]bool{}
	for _, d := range metrics.All() {
		known[d.Name] = true
	}
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
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	out["NumGC"] = float64(ms.NumGC)
	out["PauseTotalNs"] = float64(ms.PauseTotalNs)
	json.NewEncoder(os.Stdout).Encode(out)
	if sink == 42 {
		fmt.Println()
	}
}

// forceGC runs one forced collection. A runtime.GC() call that meets a cycle the heap started
// the moment before waits for that cycle and starts none of its own (no "(forced)" line), so the
// call is repeated, a few times at most, until the runtime's count of forced cycles has grown:
// the tests that look for the forced cycles find them however the run was scheduled.
func forceGC() {
	s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	count := func() uint64 {
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	before := count()
	for try := 0; try < 4 && count() == before; try++ {
		runtime.GC()
	}
}

// settleGC lets a cycle still running at the end finish and print its gctrace line, and starts
// no other: exiting in the middle would cut the log's last line in two, and a cycle after the
// figures were read would be one the figures miss.
// SetGCPercent(-1) waits for a running mark phase; the runtime prints the line just after, so
// a short sleep (with collection off and no limit, no new cycle can start) covers the print.
func settleGC() {
	debug.SetMemoryLimit(math.MaxInt64)
	debug.SetGCPercent(-1)
	time.Sleep(50 * time.Millisecond)
}
