// Command sshtarget is the Go service of gpw's SSH tests: it burns CPU in named functions (so
// perf has Go frames to show), allocates steadily (so GODEBUG=gctrace=1 prints cycles), and,
// with -addr, serves net/http/pprof on that (loopback) address, printing "listening URL".
//
//	sshtarget [-addr 127.0.0.1:0] [-seconds N]
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"time"
)

var sink []byte

//go:noinline
func burnCPU(n int) uint64 {
	var x uint64 = 1
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

//go:noinline
func hashLoop() {
	var total uint64
	for {
		total += burnCPU(1 << 20)
		if total == 42 {
			fmt.Println(total)
		}
	}
}

// allocLoop keeps the last 32 of its buffers (8 MiB) alive, so a heap profile's in-use view
// always holds allocLoop, not only its allocations.
func allocLoop() {
	var keep [32][]byte
	for i := 0; ; i++ {
		keep[i%len(keep)] = make([]byte, 256<<10)
		sink = keep[i%len(keep)]
		time.Sleep(2 * time.Millisecond)
	}
}

func main() {
	// Sample nearly every 256 KiB buffer, so the heap profile never misses allocLoop.
	runtime.MemProfileRate = 64 << 10
	addr := flag.String("addr", "", "serve net/http/pprof on this address (e.g. 127.0.0.1:0)")
	seconds := flag.Int("seconds", 0, "exit after this many seconds (0: run until killed)")
	flag.Parse()
	if *addr != "" {
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("listening http://%s\n", ln.Addr())
		go http.Serve(ln, nil)
	}
	go hashLoop()
	go allocLoop()
	if *seconds > 0 {
		time.Sleep(time.Duration(*seconds) * time.Second)
		return
	}
	select {}
}
