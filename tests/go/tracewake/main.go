// tracewake reads a Go execution trace with Go's own reader (golang.org/x/exp/trace) and prints,
// for every time a goroutine stops waiting, what go tool trace says about it: the goroutine and
// P of the event that unblocked it, the leaf function of that event's stack, how long the
// goroutine had been waiting and why (with the duration as time.Duration prints it). It is the
// reference for gpw's timeline span details ("unblocked by"), not part of gpw.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/exp/trace"
)

type wake struct {
	G         int64  `json:"g"`
	BlockedNs int64  `json:"blockedNs"`
	Duration  string `json:"duration"`
	Reason    string `json:"reason"`
	By        int64  `json:"by"`
	Proc      int64  `json:"proc"`
	Leaf      string `json:"leaf"`
	BlockLeaf string `json:"blockLeaf"`
}

type waiting struct {
	at     trace.Time
	reason string
	leaf   string
}

func leaf(s trace.Stack) string {
	for f := range s.Frames() {
		return f.Func
	}
	return ""
}

// wakes lists every end of a wait in the trace's bytes, in event order.
func wakes(data []byte) ([]wake, error) {
	r, err := trace.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	since := map[trace.GoID]waiting{}
	out := []wake{}
	for ev, err := r.ReadEvent(); !errors.Is(err, io.EOF); ev, err = r.ReadEvent() {
		if err != nil {
			return nil, err
		}
		// Goroutine state changes only (Goroutine() is defined for those).
		if ev.Kind() != trace.EventStateTransition || ev.StateTransition().Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		st := ev.StateTransition()
		from, to := st.Goroutine()
		if from == to {
			continue
		}
		id := st.Resource.Goroutine()
		if to == trace.GoWaiting {
			if from != trace.GoUndetermined {
				since[id] = waiting{ev.Time(), st.Reason, leaf(st.Stack)}
			}
			continue
		}
		w, ok := since[id]
		if from != trace.GoWaiting || !ok {
			continue
		}
		delete(since, id)
		d := ev.Time().Sub(w.at)
		out = append(out, wake{G: int64(id), BlockedNs: int64(d), Duration: d.String(), Reason: w.reason, By: int64(ev.Goroutine()), Proc: int64(ev.Proc()), Leaf: leaf(ev.Stack()), BlockLeaf: w.leaf})
	}
	return out, nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tracewake TRACE")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err == nil {
		var out []wake
		if out, err = wakes(data); err == nil {
			err = json.NewEncoder(os.Stdout).Encode(out)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracewake:", err)
		os.Exit(1)
	}
}
