// traceref reads a Go execution trace with Go's own reader (golang.org/x/exp/trace) and prints
// the facts gpw's tests compare with: goroutines, GC cycles, stop-the-world time and goroutines
// per start function. It is a reference for the tests, not part of gpw.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/exp/trace"
)

type result struct {
	Goroutines int            `json:"goroutines"`
	GCCount    int            `json:"gcCount"`
	StwNs      int64          `json:"stwNs"`
	Events     int            `json:"events"`
	CPUSamples int            `json:"cpuSamples"`
	Tasks      int            `json:"tasks"`
	Regions    int            `json:"regions"`
	Logs       int            `json:"logs"`
	Labels     int            `json:"labels"`
	Groups     map[string]int `json:"groups"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: traceref TRACE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fail(err)
	}
	defer f.Close()
	r, err := trace.NewReader(f)
	if err != nil {
		fail(err)
	}
	res := result{Groups: map[string]int{}}
	seen := map[trace.GoID]bool{}
	named := map[trace.GoID]bool{}
	names := map[trace.GoID]string{}
	stwStart := map[trace.GoID]trace.Time{}
	var last trace.Time
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fail(err)
		}
		res.Events++
		last = ev.Time()
		switch ev.Kind() {
		case trace.EventStackSample:
			res.CPUSamples++
		case trace.EventTaskBegin:
			res.Tasks++
		case trace.EventRegionBegin:
			res.Regions++
		case trace.EventLog:
			res.Logs++
		case trace.EventLabel:
			res.Labels++
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				continue
			}
			id := st.Resource.Goroutine()
			from, to := st.Goroutine()
			if from == to {
				continue
			}
			seen[id] = true
			if !named[id] {
				for frame := range st.Stack.Frames() {
					names[id] = frame.Func
				}
				named[id] = names[id] != ""
			}
		case trace.EventRangeBegin:
			r := ev.Range()
			if r.Name == "GC concurrent mark phase" {
				res.GCCount++
			}
			if strings.HasPrefix(r.Name, "stop-the-world") {
				stwStart[ev.Goroutine()] = ev.Time()
			}
		case trace.EventRangeEnd:
			r := ev.Range()
			if strings.HasPrefix(r.Name, "stop-the-world") {
				if t, ok := stwStart[ev.Goroutine()]; ok {
					res.StwNs += int64(ev.Time() - t)
					delete(stwStart, ev.Goroutine())
				}
			}
		}
	}
	for _, t := range stwStart {
		res.StwNs += int64(last - t)
	}
	res.Goroutines = len(seen)
	for id := range seen {
		res.Groups[names[id]]++
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "traceref:", err)
	os.Exit(1)
}
