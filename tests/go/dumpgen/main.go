// Command dumpgen writes goroutine dumps of goroutines in known states, for gpw's dump reader
// tests across Go toolchains (the runtime's dump format changed from release to release):
//
//	dumpgen -out DIR   → DIR/dump2.txt (?debug=2), DIR/dump1.txt (?debug=1), DIR/expected.json
//
// expected.json maps each waiting function to how many goroutines wait in it.
package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
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
	time.Sleep(200 * time.Millisecond)
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
