// runpair makes the executions of two versions of one small program for gpw's run-comparison
// tests: version 1, and version 2 in which main.parse does three times the work. Each
// execution is a process of its own (the parent starts them one after the other) that does a
// fixed amount of work and writes a CPU profile (sampled at 1000 Hz) and its GODEBUG=gctrace=1
// log, so two runs of one version differ only by noise.
//
// The CPU time a fixed amount of work takes moves with the machine's state (another process on
// the sibling hyperthread, the clock): on a 2-core machine, 10–20 % between executions made a few
// seconds apart. So the versions' executions are made in an interleaved order (-interleave N):
// the first N executions of the first version alone, in order (a history before the change),
// then the rest of both versions taken in turn (v2-01, v1-N+1, v2-02, …), so that a comparison
// of the two versions' interleaved executions sees a change of the machine on both sides alike.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
)

var sink uint64
var keep [][]byte

//go:noinline
func mix(n int) uint64 {
	x := sink + 1
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		x ^= x >> 29
	}
	return x
}

//go:noinline
func parse(rounds int) uint64 {
	var h uint64
	for i := 0; i < rounds; i++ {
		h += mix(40000)
	}
	return h
}

//go:noinline
func render(rounds int) uint64 {
	var h uint64
	for i := 0; i < rounds; i++ {
		buf := make([]byte, 2048)
		buf[i%2048] = byte(i)
		if i%64 == 0 {
			keep = append(keep, buf)
			if len(keep) > 256 {
				keep = keep[1:]
			}
		}
		h += mix(30000)
	}
	return h
}

//go:noinline
func hashRows(rounds int) uint64 {
	var h uint64
	for i := 0; i < rounds; i++ {
		h ^= mix(50000)
	}
	return h
}

func child(version int, out string) error {
	runtime.SetCPUProfileRate(1000)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	parseRounds := 2000
	if version == 2 {
		parseRounds *= 3
	}
	sink += parse(parseRounds)
	sink += render(4000)
	sink += hashRows(2000)
	pprof.StopCPUProfile()
	return nil
}

func main() {
	out := flag.String("out", "", "folder for the executions' files")
	plan := flag.String("plan", "v1:18,v2:6", "executions per version")
	interleave := flag.Int("interleave", 0, "executions of the first version made before the versions are interleaved")
	version := flag.Int("child", 0, "run one execution of this version (internal)")
	profile := flag.String("profile", "", "the child's CPU profile")
	flag.Parse()
	if *version != 0 {
		if err := child(*version, *profile); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	type execution struct{ v, i int }
	var queues [][]execution
	for _, part := range strings.Split(*plan, ",") {
		var v, n int
		if _, err := fmt.Sscanf(part, "v%d:%d", &v, &n); err != nil {
			fmt.Fprintln(os.Stderr, "bad -plan:", part)
			os.Exit(2)
		}
		var q []execution
		for i := 1; i <= n; i++ {
			q = append(q, execution{v, i})
		}
		queues = append(queues, q)
	}
	// The first version's first -interleave executions, then every version's rest in turn,
	// starting with the second version.
	var order []execution
	if len(queues) > 0 {
		k := min(*interleave, len(queues[0]))
		order = append(order, queues[0][:k]...)
		queues[0] = queues[0][k:]
		if len(queues) > 1 {
			queues = append(queues[1:], queues[0])
		}
	}
	for left := true; left; {
		left = false
		for j, q := range queues {
			if len(q) > 0 {
				order = append(order, q[0])
				queues[j] = q[1:]
				left = true
			}
		}
	}
	for _, e := range order {
		base := filepath.Join(*out, fmt.Sprintf("v%d-%02d", e.v, e.i))
		cmd := exec.Command(os.Args[0], "-child", fmt.Sprint(e.v), "-profile", base+".cpu.pb.gz")
		cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1", "GOMAXPROCS=1")
		log, err := os.Create(base + ".gctrace.log")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		cmd.Stderr = log
		err = cmd.Run()
		log.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, "execution", base, "failed:", err)
			os.Exit(1)
		}
	}
}
