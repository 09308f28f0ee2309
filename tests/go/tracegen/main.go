// tracegen writes a real Go execution trace of a program that blocks on channels, select,
// mutexes, the network, syscalls and sleep, and allocates enough to run the GC several times.
// gpw's tests build it with several Go toolchains to get one trace per format version.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var sink [][]byte

func main() {
	out := flag.String("out", ".", "output folder")
	name := flag.String("name", "trace.out", "trace file name")
	scale := flag.Float64("scale", 1, "work multiplier (the benchmark uses a large one, the fuzz seed a small one: 0.05)")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	f, err := os.Create(filepath.Join(*out, *name))
	if err != nil {
		log.Fatal(err)
	}
	// CPU profiling on: the trace carries CPU samples.
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		log.Fatal(err)
	}
	if err := trace.Start(f); err != nil {
		log.Fatal(err)
	}
	var wg sync.WaitGroup
	run := func(fn func(int), n int) {
		wg.Add(1)
		go func() { defer wg.Done(); fn(n) }()
	}
	// Each kind of work at least once, however small the scale.
	s := func(base int) int {
		if n := int(float64(base) * *scale); n > 0 {
			return n
		}
		return 1
	}
	run(pingPong, s(2000))
	run(selects, s(1000))
	run(mutexes, s(2000))
	run(network, s(300))
	run(syscalls, s(200))
	run(sleeper, s(20))
	run(allocator, s(30))
	run(annotated, s(20))
	run(burnCPU, s(60))
	run(gcWaits, 4)
	wg.Wait()
	trace.Stop()
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func pingPong(n int) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	close(ping)
}

func selects(n int) {
	a, b, done := make(chan int), make(chan int), make(chan struct{})
	go func() {
		for i := 0; i < n; i++ {
			if i%2 == 0 {
				a <- i
			} else {
				b <- i
			}
		}
		close(done)
	}()
	for {
		select {
		case <-a:
		case <-b:
		case <-done:
			return
		}
	}
}

func mutexes(n int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	counter := 0
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n/8; i++ {
				mu.Lock()
				for j := 0; j < 200; j++ {
					counter += j
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func network(n int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 64)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 64)
	for i := 0; i < n; i++ {
		if _, err := c.Write(buf); err != nil {
			log.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			log.Fatal(err)
		}
	}
}

func syscalls(n int) {
	f, err := os.CreateTemp("", "tracegen-*")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 4096)
	for i := 0; i < n; i++ {
		if _, err := f.Write(buf); err != nil {
			log.Fatal(err)
		}
		if i%20 == 0 {
			_ = f.Sync()
		}
	}
}

func sleeper(n int) {
	for i := 0; i < n; i++ {
		time.Sleep(time.Millisecond)
	}
}

func allocator(n int) {
	for i := 0; i < n; i++ {
		batch := make([][]byte, 0, 1000)
		for j := 0; j < 1000; j++ {
			batch = append(batch, make([]byte, 1024+j))
		}
		sink = batch
	}
}

// annotated uses runtime/trace's user annotations: a task per request with nested regions and logs.
func annotated(n int) {
	for i := 0; i < n; i++ {
		ctx, task := trace.NewTask(context.Background(), "request")
		trace.Log(ctx, "id", fmt.Sprint(i))
		trace.WithRegion(ctx, "decode", func() {
			trace.WithRegion(ctx, "parse", func() { time.Sleep(100 * time.Microsecond) })
		})
		trace.WithRegion(ctx, "respond", func() {})
		task.End()
	}
}

type node struct{ next, a, b *node }

var heapSink *node

// gcWaits keeps one goroutine waiting on a channel, one tick at a time, while n forced GCs mark
// a heap of a million linked objects, so that some GC cycle wholly contains several channel
// waits, each a sizeable share of the cycle, however the other work was scheduled and however
// loaded the machine is (the trace view's browser test zooms into such a cycle and clicks a
// wait at least 3 % of it long). The first cycle ticks every millisecond; after each forced GC
// the tick period becomes an eighth of the time that runtime.GC() call took (which holds the
// mark phase), so a slow machine's long cycles get proportionally long waits: about six of them
// fit in the next cycle unless the machine slows down severalfold from one GC to the next.
func gcWaits(n int) {
	tick := make(chan struct{})
	received := make(chan struct{})
	go func() {
		for range tick {
		}
		close(received)
	}()
	var period atomic.Int64
	period.Store(int64(time.Millisecond))
	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-stop:
				return
			default:
			}
			time.Sleep(time.Duration(period.Load()))
			tick <- struct{}{}
		}
	}()
	var head *node
	for i := 0; i < 1<<20; i++ {
		head = &node{next: head}
	}
	heapSink = head
	for i := 0; i < n; i++ {
		start := time.Now()
		runtime.GC()
		period.Store(max(int64(time.Since(start)/8), int64(time.Millisecond)))
	}
	heapSink = nil
	close(stop)
	<-stopped
	close(tick)
	<-received
}

// burnCPU computes until the process has used ms more milliseconds of CPU time, so the trace
// holds CPU samples (one per 10 ms of CPU) however loaded the machine is.
func burnCPU(ms int) {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			log.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	x := uint64(1)
	for end := cpu() + time.Duration(ms)*time.Millisecond; cpu() < end; {
		for i := 0; i < 100000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	cpuSink = x
}

var cpuSink uint64
