// Command profgen writes a set of small but real pprof profiles (cpu, heap,
// allocs, block, mutex, goroutine) for gpw's tests and demo library.
//
//	go build -o ../bin/profgen . && ../bin/profgen -out DIR
//
// Every workload lives in its own, clearly named function so that tests can
// look for those names in the parsed profiles. Keep the names stable: the
// tests and resources/demo/README.md rely on them.
//
// Standard library only; the whole run takes about 2.5 s.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"time"
)

// Sinks keep the compiler from discarding work and keep some memory live.
var (
	sinkU64   uint64
	sinkInt   int
	sinkBytes []byte
	sinkInts  []int

	keepChurn   [][]byte // live: one in ten main.churn allocations
	keepTree    *node    // live: main.buildTree
	keepBuffers [][]byte // live: main.makeBuffers
)

func main() {
	// Must be first: sample (on average) one allocation every 512 bytes.
	runtime.MemProfileRate = 512

	out := flag.String("out", "", "directory to write the profiles into (created if missing)")
	cpuDur := flag.Duration("cpu", 1500*time.Millisecond, "length of the CPU profile")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: profgen -out DIR [-cpu 1.5s]")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatal(err)
	}
	start := time.Now()

	// 1. CPU.
	cpuProfile(filepath.Join(*out, "cpu.pb.gz"), *cpuDur)

	// 2. heap + allocs.
	heapWorkload()
	runtime.GC() // the heap profile reflects the last completed GC
	writeProfile(filepath.Join(*out, "heap.pb.gz"), "heap")
	writeProfile(filepath.Join(*out, "allocs.pb.gz"), "allocs")

	// 3. block.
	runtime.SetBlockProfileRate(1)
	blockWorkload()
	writeProfile(filepath.Join(*out, "block.pb.gz"), "block")
	runtime.SetBlockProfileRate(0)

	// 4. mutex.
	runtime.SetMutexProfileFraction(1)
	mutexWorkload()
	writeProfile(filepath.Join(*out, "mutex.pb.gz"), "mutex")
	runtime.SetMutexProfileFraction(0)

	// 5. goroutine.
	goroutineSnapshot(filepath.Join(*out, "goroutine.pb.gz"))

	fmt.Printf("profgen: wrote 6 profiles to %s in %s\n", *out, time.Since(start).Round(time.Millisecond))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "profgen:", err)
	os.Exit(1)
}

func writeProfile(path, name string) {
	f, err := os.Create(path)
	if err != nil {
		fatal(err)
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		fatal(err)
	}
	if err := f.Close(); err != nil {
		fatal(err)
	}
}

// ---------------------------------------------------------------- CPU

func cpuProfile(path string, d time.Duration) {
	f, err := os.Create(path)
	if err != nil {
		fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fatal(err)
	}
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		pprof.Do(context.Background(), pprof.Labels("worker", "hash"), func(context.Context) {
			hashWorker(deadline)
		})
	}()
	go func() {
		defer wg.Done()
		pprof.Do(context.Background(), pprof.Labels("worker", "sort"), func(context.Context) {
			sortWorker(deadline)
		})
	}()
	wg.Wait()
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		fatal(err)
	}
}

// hashWorker -> hashLoop -> mix (inlined into hashLoop).
//
//go:noinline
func hashWorker(deadline time.Time) {
	buf := make([]byte, 64<<10)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	var h uint64
	for time.Now().Before(deadline) {
		h ^= hashLoop(buf)
	}
	sinkU64 = h
}

//go:noinline
func hashLoop(buf []byte) uint64 {
	h := uint64(14695981039346656037)
	for round := 0; round < 4; round++ {
		for _, b := range buf {
			h = mix(h, b)
		}
	}
	return h
}

// mix is small enough to be inlined into hashLoop: in `go tool pprof -top`
// it shows up as "main.mix (inline)".
func mix(h uint64, b byte) uint64 {
	h ^= uint64(b)
	h *= 1099511628211
	return h ^ (h >> 29)
}

// sortWorker alternates between sortWork (sort.Ints) and fibWork (recursive fib).
//
//go:noinline
func sortWorker(deadline time.Time) {
	r := rand.New(rand.NewSource(1))
	xs := make([]int, 20000) // reused, so the allocs profile is not all sortWork
	for time.Now().Before(deadline) {
		sortWork(r, xs)
		fibWork()
	}
}

//go:noinline
func sortWork(r *rand.Rand, xs []int) {
	for i := range xs {
		xs[i] = r.Int()
	}
	sort.Ints(xs) // since Go 1.22 the time is in slices.pdqsortOrdered & co.
	sinkInt = xs[len(xs)/2]
}

//go:noinline
func fibWork() {
	sinkInt = fib(27)
}

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

// ---------------------------------------------------------------- heap / allocs

type node struct {
	left, right *node
	payload     [4]uint64
}

func heapWorkload() {
	churn()
	keepTree = buildTree(13)
	makeBuffers()
	scratch()
}

// churn allocates 20000 byte slices and keeps one in ten live.
//
//go:noinline
func churn() {
	for i := 0; i < 20000; i++ {
		b := make([]byte, 64+i%512)
		b[0] = byte(i)
		if i%10 == 0 {
			keepChurn = append(keepChurn, b)
		} else {
			sinkBytes = b
		}
	}
}

// buildTree builds a complete binary tree of 2^(depth+1)-1 nodes, all kept live.
//
//go:noinline
func buildTree(depth int) *node {
	n := &node{}
	n.payload[0] = uint64(depth)
	if depth > 0 {
		n.left = buildTree(depth - 1)
		n.right = buildTree(depth - 1)
	}
	return n
}

// makeBuffers keeps 64 buffers of 16 KiB live.
//
//go:noinline
func makeBuffers() {
	for i := 0; i < 64; i++ {
		keepBuffers = append(keepBuffers, make([]byte, 16<<10))
	}
}

// scratch allocates ~8 MB that is all garbage: in allocs, not in inuse.
//
//go:noinline
func scratch() {
	for i := 0; i < 10000; i++ {
		xs := make([]int, 100)
		xs[0] = i
		sinkInts = xs
	}
	sinkInts = nil
	sinkBytes = nil
}

// ---------------------------------------------------------------- block

func blockWorkload() {
	var wg sync.WaitGroup

	// Channel receives: 4 receivers, fed slowly by one sender.
	ch := make(chan int)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); chanRecvWait(ch) }()
	}

	// select on two channels.
	a, b := make(chan int), make(chan int)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); selectWait(a, b) }()
	}

	// sync.Cond.
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	ready := 0
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); condWait(cond, &ready) }()
	}

	// sync.WaitGroup.Wait.
	var inner sync.WaitGroup
	inner.Add(1)
	wg.Add(1)
	go func() { defer wg.Done(); waitGroupWait(&inner) }()

	// Producer: paces everything with time.Sleep (sleeping is not a block event).
	for round := 0; round < 20; round++ {
		time.Sleep(2 * time.Millisecond)
		for i := 0; i < 4; i++ {
			ch <- round
		}
		if round%2 == 0 {
			a <- round
		} else {
			b <- round
		}
		mu.Lock()
		ready++
		mu.Unlock()
		cond.Broadcast()
	}
	close(ch)
	close(a)
	close(b)
	mu.Lock()
	ready = 1 << 30
	mu.Unlock()
	cond.Broadcast()
	time.Sleep(5 * time.Millisecond)
	inner.Done()
	wg.Wait()
}

//go:noinline
func chanRecvWait(ch <-chan int) {
	sum := 0
	for v := range ch {
		sum += v
	}
	sinkInt = sum
}

//go:noinline
func selectWait(a, b <-chan int) {
	sum := 0
	for a != nil || b != nil {
		select {
		case v, ok := <-a:
			if !ok {
				a = nil
			}
			sum += v
		case v, ok := <-b:
			if !ok {
				b = nil
			}
			sum += v
		}
	}
	sinkInt = sum
}

//go:noinline
func condWait(cond *sync.Cond, ready *int) {
	cond.L.Lock()
	seen := 0
	for seen < 20 && *ready < 1<<30 {
		for *ready == seen {
			cond.Wait()
		}
		seen = *ready
	}
	cond.L.Unlock()
}

//go:noinline
func waitGroupWait(wg *sync.WaitGroup) {
	wg.Wait()
}

// ---------------------------------------------------------------- mutex

func mutexWorkload() {
	deadline := time.Now().Add(200 * time.Millisecond)
	var wg sync.WaitGroup
	var counterMu sync.Mutex
	counter := 0
	var mapMu sync.Mutex
	m := map[int]int{}
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); contendCounter(&counterMu, &counter, deadline) }()
		go func(i int) { defer wg.Done(); contendMap(&mapMu, m, i, deadline) }(i)
	}
	wg.Wait()
	sinkInt = counter + len(m)
}

//go:noinline
func contendCounter(mu *sync.Mutex, counter *int, deadline time.Time) {
	for time.Now().Before(deadline) {
		mu.Lock()
		for j := 0; j < 2000; j++ {
			*counter += j & 3
		}
		mu.Unlock()
	}
}

//go:noinline
func contendMap(mu *sync.Mutex, m map[int]int, id int, deadline time.Time) {
	for k := 0; time.Now().Before(deadline); k++ {
		mu.Lock()
		for j := 0; j < 200; j++ {
			m[(k*200+j)%1024] += id
		}
		mu.Unlock()
	}
}

// ---------------------------------------------------------------- goroutine

// goroutineSnapshot parks 50 goroutines in four distinct functions, writes the
// goroutine profile, then releases them.
func goroutineSnapshot(path string) {
	var started, done sync.WaitGroup
	release := make(chan struct{})
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	released := false
	var held sync.Mutex
	held.Lock()

	spawn := func(n int, labels []string, f func()) {
		for i := 0; i < n; i++ {
			started.Add(1)
			done.Add(1)
			go func() {
				defer done.Done()
				if labels == nil {
					started.Done()
					f()
					return
				}
				pprof.Do(context.Background(), pprof.Labels(labels...), func(context.Context) {
					started.Done()
					f()
				})
			}()
		}
	}
	spawn(20, []string{"role", "chan-waiter"}, func() { parkOnChan(release) })
	spawn(15, nil, func() { parkInSelect(release) })
	spawn(10, []string{"role", "cond-waiter"}, func() { parkOnCond(cond, &released) })
	spawn(5, nil, func() { parkOnMutex(&held) })

	started.Wait()
	// Let every goroutine reach its blocking call.
	for i := 0; i < 100 && runtime.NumGoroutine() < 51; i++ {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	writeProfile(path, "goroutine")

	close(release)
	mu.Lock()
	released = true
	mu.Unlock()
	cond.Broadcast()
	held.Unlock()
	done.Wait()
}

//go:noinline
func parkOnChan(release <-chan struct{}) {
	<-release
}

//go:noinline
func parkInSelect(release <-chan struct{}) {
	tick := make(chan int)
	select {
	case <-release:
	case v := <-tick:
		sinkInt = v
	}
}

//go:noinline
func parkOnCond(cond *sync.Cond, released *bool) {
	cond.L.Lock()
	for !*released {
		cond.Wait()
	}
	cond.L.Unlock()
}

//go:noinline
func parkOnMutex(mu *sync.Mutex) {
	mu.Lock()
	sinkInt++
	mu.Unlock()
}
