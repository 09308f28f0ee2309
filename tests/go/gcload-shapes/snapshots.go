// Opt-in runtime/metrics snapshots (off by default): with GCLOAD_SNAPSHOTS=FILE the program writes
// one JSON line of GC figures every GCLOAD_SNAPSHOT_MS milliseconds (20 by default) to FILE, in
// the dump format gpw imports (docs/gc-whatif-inputs.md). Without the variable nothing runs.
// gcload-gen.mjs keeps this file out of the recordings' stamp: the corpus recorded without it
// stays valid.
package main

import (
	"bufio"
	"encoding/json"
	"os"
	rtmetrics "runtime/metrics"
	"strconv"
	"time"
)

var snapshotNames = []string{
	"/gc/gogc:percent", "/gc/gomemlimit:bytes", "/gc/cycles/total:gc-cycles",
	"/gc/scan/stack:bytes", "/gc/scan/globals:bytes", "/gc/scan/heap:bytes",
	"/gc/heap/live:bytes", "/gc/heap/goal:bytes", "/gc/heap/allocs:bytes",
	"/memory/classes/total:bytes", "/memory/classes/heap/released:bytes", "/memory/classes/heap/free:bytes",
	"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes",
	"/cpu/classes/gc/mark/assist:cpu-seconds", "/cpu/classes/gc/mark/dedicated:cpu-seconds",
	"/cpu/classes/gc/mark/idle:cpu-seconds", "/cpu/classes/gc/pause:cpu-seconds",
	"/cpu/classes/gc/total:cpu-seconds", "/cpu/classes/total:cpu-seconds",
}

func init() {
	path := os.Getenv("GCLOAD_SNAPSHOTS")
	if path == "" {
		return
	}
	every := 20 * time.Millisecond
	if ms, err := strconv.Atoi(os.Getenv("GCLOAD_SNAPSHOT_MS")); err == nil && ms > 0 {
		every = time.Duration(ms) * time.Millisecond
	}
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	known := map[string]bool{}
	for _, d := range rtmetrics.All() {
		known[d.Name] = true
	}
	var samples []rtmetrics.Sample
	for _, n := range snapshotNames {
		if known[n] {
			samples = append(samples, rtmetrics.Sample{Name: n})
		}
	}
	w := bufio.NewWriter(f)
	write := func() {
		rtmetrics.Read(samples)
		values := make(map[string]float64, len(samples))
		for _, s := range samples {
			switch s.Value.Kind() {
			case rtmetrics.KindUint64:
				values[s.Name] = float64(s.Value.Uint64())
			case rtmetrics.KindFloat64:
				values[s.Name] = s.Value.Float64()
			}
		}
		line, _ := json.Marshal(map[string]any{"time": time.Now().UnixMilli(), "metrics": values})
		w.Write(append(line, '\n'))
		w.Flush() // each line whole on disk: the program exits without telling this goroutine
	}
	write()
	go func() {
		for range time.Tick(every) {
			write()
		}
	}()
}
