// Command dumpgen writes goroutine dumps of goroutines in known states, for gpw's dump reader
// tests across Go toolchains (the runtime's dump format changed from release to release):
//
//	dumpgen -out DIR   → DIR/dump2.txt (?debug=2), DIR/dump1.txt (?debug=1), DIR/expected.json
//
// expected.json maps each waiting function to how many goroutines wait in it.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"
)

var never = make(chan int)

func waitChan() { <-never }
func waitSelect(c chan int) {
	select {
	case <-never:
	case <-c:
	}
}
func waitMutex(mu *sync.Mutex) { mu.Lock() }
func sleeper()                 { time.Sleep(time.Hour) }
func lockedWait() {
	runtime.LockOSThread()
	<-never
}

//go:noinline
func deepRecursion(n int) int {
	if n == 0 {
		<-never
		return 0
	}
	return deepRecursion(n-1) + 1
}

func main() {
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	var mu sync.Mutex
	mu.Lock()
	expected := map[string]int{"main.waitChan": 3, "main.waitSelect": 2, "main.waitMutex": 2, "main.sleeper": 4, "main.lockedWait": 1, "main.deepRecursion": 1}
	for i := 0; i < 3; i++ {
		go waitChan()
	}
	c := make(chan int)
	for i := 0; i < 2; i++ {
		go waitSelect(c)
	}
	for i := 0; i < 2; i++ {
		go waitMutex(&mu)
	}
	for i := 0; i < 4; i++ {
		go sleeper()
	}
	go lockedWait()
	go deepRecursion(150)
	waitParked(expected)
	write := func(name string, debug int) {
		f, err := os.Create(filepath.Join(*out, name))
		if err != nil {
			panic(err)
		}
		if err := pprof.Lookup("goroutine").WriteTo(f, debug); err != nil {
			panic(err)
		}
		f.Close()
	}
	write("dump2.txt", 2)
	write("dump1.txt", 1)
	b, _ := json.Marshal(expected)
	if err := os.WriteFile(filepath.Join(*out, "expected.json"), b, 0o644); err != nil {
		panic(err)
	}
}

// waitParked returns once every goroutine started above is parked in its wait, as the dump will
// show it: a goroutine not yet run, or a mutex waiter still spinning, is "runnable" or "running"
// for a while, longer on a loaded machine. It reads the runtime's own debug=2 dump until each
// expected function has its number of goroutines and none of them is runnable or running.
func waitParked(expected map[string]int) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var buf bytes.Buffer
		if err := pprof.Lookup("goroutine").WriteTo(&buf, 2); err != nil {
			panic(err)
		}
		problem := ""
		seen := map[string]int{}
		for _, block := range strings.Split(buf.String(), "\n\n") {
			header, _, _ := strings.Cut(block, "\n")
			// "goroutine 7 [chan receive]:", "goroutine 9 [chan receive, locked to thread]:"
			_, state, _ := strings.Cut(header, "[")
			state, _, _ = strings.Cut(state, "]")
			state, _, _ = strings.Cut(state, ",")
			for fn := range expected {
				if !strings.Contains(block, "\n"+fn+"(") {
					continue
				}
				seen[fn]++
				if state == "runnable" || state == "running" {
					problem = fmt.Sprintf("a goroutine in %s is %s", fn, state)
				}
				break
			}
		}
		for fn, n := range expected {
			if seen[fn] != n {
				problem = fmt.Sprintf("%d goroutines in %s, want %d", seen[fn], fn, n)
			}
		}
		if problem == "" {
			return
		}
		if time.Now().After(deadline) {
			fmt.Fprintf(os.Stderr, "dumpgen: goroutines not parked after 2 minutes: %s\n", problem)
			os.Exit(1)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
