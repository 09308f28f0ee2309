// gctracepair runs one GC-heavy workload that writes both a GODEBUG=gctrace=1 log and an
// execution trace of the same run, so gpw's trace → GC-cycles conversion can be checked cycle by
// cycle against the runtime's own gctrace lines.
//
//	gctracepair -out DIR   writes DIR/gctrace.log (the child's stderr), DIR/trace.out and
//	                       DIR/nogc.trace (a short trace with GOGC=off: no GC cycle)
//
// The parent re-runs itself with GODEBUG=gctrace=1 and GOMAXPROCS=2 (GODEBUG is read at start).
// The child calls runtime.GC() right before trace.Start and right before trace.Stop, so exactly
// the cycles numbered (start, stop] are complete in the trace; it prints those numbers, and the
// CPU its process got over the trace (user + system ÷ GOMAXPROCS × wall: less than about 0.9
// when other processes took the machine's CPU). The parent runs the child up to three times and
// keeps the run that got the most CPU (the first that got 0.9 or more).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type node struct {
	next *node
	buf  []byte
	vals [6]*int
}

var sink []*node

func numGC() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// A live set of linked nodes that grows and shrinks, plus garbage from two goroutines, for at
// least d and until minCycles GC cycles have ended since the call (a loaded machine allocates
// less per second; the test needs cycles, not seconds), but never longer than 20 × d.
func work(d time.Duration, minCycles uint64) {
	begin := time.Now()
	deadline := begin.Add(d)
	hardDeadline := begin.Add(20 * d)
	firstGC := numGC()
	var enough atomic.Bool
	go func() {
		for !enough.Load() {
			time.Sleep(5 * time.Millisecond)
			now := time.Now()
			if now.After(hardDeadline) || (now.After(deadline) && numGC()-firstGC >= minCycles) {
				enough.Store(true)
			}
		}
	}()
	var mu sync.Mutex
	live := make([]*node, 0, 1<<16)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			i := 0
			for !enough.Load() {
				var head *node
				for k := 0; k < 200; k++ {
					n := &node{next: head, buf: make([]byte, 64+(i*37+k*11)%900)}
					x := k
					n.vals[0] = &x
					head = n
				}
				i++
				mu.Lock()
				phase := time.Since(begin).Seconds()
				target := 40 + int(120*(0.5+0.5*sinish(phase*3)))
				if len(live) < target {
					live = append(live, head)
				} else {
					live[i%len(live)] = head
					if len(live) > target+20 {
						live = live[:target]
					}
				}
				mu.Unlock()
				if w == 0 && i == 3000 {
					runtime.GC()
				}
			}
		}(w)
	}
	wg.Wait()
	sink = live
}

// A triangle wave in [-1, 1] (no math import needed).
func sinish(x float64) float64 {
	f := x - float64(int(x))
	if f < 0.5 {
		return 4*f - 1
	}
	return 3 - 4*f
}

func child(out string) {
	f, err := os.Create(filepath.Join(out, "trace.out"))
	check(err)
	work(200*time.Millisecond, 0) // warm up: a heap and pacer state before the trace starts
	runtime.GC()
	start := numGC()
	cpu0, wall0 := processCPU(), time.Now()
	check(trace.Start(f))
	work(1500*time.Millisecond, 12) // the test asks for at least 8 cycles in the trace
	runtime.GC()
	stop := numGC()
	trace.Stop()
	use := (processCPU() - cpu0) / (float64(runtime.GOMAXPROCS(0)) * time.Since(wall0).Seconds())
	check(f.Close())
	fmt.Fprintf(os.Stderr, "gctracepair: trace holds cycles %d to %d\n", start+1, stop)
	fmt.Fprintf(os.Stderr, "%s%.3f\n", cpuUseLine, use)

	// A second, short trace with the collector off: no GC cycle at all.
	debug.SetGCPercent(-1)
	g, err := os.Create(filepath.Join(out, "nogc.trace"))
	check(err)
	check(trace.Start(g))
	var keep [][]byte
	for i := 0; i < 2000; i++ {
		keep = append(keep, make([]byte, 1024))
	}
	time.Sleep(20 * time.Millisecond)
	trace.Stop()
	check(g.Close())
	fmt.Fprintf(os.Stderr, "gctracepair: nogc trace, %d buffers\n", len(keep))
}

// outDir is the -out flag; the program cannot run without it.
func outDir() string {
	out := flag.String("out", "", "output directory")
	flag.Parse()
	if *out != "" {
		return *out
	}
	flag.Usage()
	os.Exit(2)
	return ""
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}

// cpuUseLine starts the child's line saying the CPU share its process got over the trace.
const cpuUseLine = "gctracepair: CPU use over the trace "

// processCPU is the user + system time this process has used, in seconds.
func processCPU() float64 {
	var ru syscall.Rusage
	check(syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// runChild runs one recording into dir and returns the CPU use it printed.
func runChild(exe, dir string) float64 {
	check(os.MkdirAll(dir, 0o755))
	log, err := os.Create(filepath.Join(dir, "gctrace.log"))
	check(err)
	cmd := exec.Command(exe, "-out", dir)
	cmd.Env = append(os.Environ(), "GCTRACEPAIR_CHILD=1", "GODEBUG=gctrace=1", "GOMAXPROCS=2")
	cmd.Stderr = log
	cmd.Stdout = os.Stdout
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "gctracepair child:", err)
		os.Exit(1)
	}
	check(log.Close())
	text, err := os.ReadFile(filepath.Join(dir, "gctrace.log"))
	check(err)
	for _, line := range strings.Split(string(text), "\n") {
		if rest, ok := strings.CutPrefix(line, cpuUseLine); ok {
			use, err := strconv.ParseFloat(rest, 64)
			check(err)
			return use
		}
	}
	panic("the child did not say its CPU use")
}

func main() {
	dir := outDir()
	out := &dir
	if os.Getenv("GCTRACEPAIR_CHILD") == "1" {
		child(*out)
		return
	}
	check(os.MkdirAll(*out, 0o755))
	exe, err := os.Executable()
	check(err)
	best, bestUse := "", -1.0
	for attempt := 1; attempt <= 3 && bestUse < 0.9; attempt++ {
		dir := filepath.Join(*out, fmt.Sprintf(".attempt-%d", attempt))
		if use := runChild(exe, dir); use > bestUse {
			best, bestUse = dir, use
		}
	}
	for _, f := range []string{"gctrace.log", "trace.out", "nogc.trace"} {
		check(os.Rename(filepath.Join(best, f), filepath.Join(*out, f)))
	}
	for attempt := 1; attempt <= 3; attempt++ {
		check(os.RemoveAll(filepath.Join(*out, fmt.Sprintf(".attempt-%d", attempt))))
	}
}
