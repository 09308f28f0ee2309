// Command leakserver is the Go service of gpw's goroutine-leak and metrics-series tests: it
// leaks goroutines in one handler, can grow its heap and goroutines at a fixed rate, and logs
// every metrics value it serves, so the tests compare gpw's series with what the service said.
//
//	leakserver [-addr 127.0.0.1:0] [-grow-goroutines 0] [-grow-heap 0] [-churn 0]
//
// Endpoints: /debug/pprof/ (net/http/pprof, with Go 1.26's goroutineleak profile when built
// with GOEXPERIMENT=goroutineleakprofile, and the custom profile "gpw.sessions"), /leak?n=N
// (starts N goroutines that wait forever on a channel nobody else holds), /debug/vars (expvar
// with a "goroutines" var) and /metrics (Prometheus: the Go collector with every runtime/metrics
// series, the process collector, and a series of its own: leakserver_widgets_total).
//
// Growth: -grow-goroutines R starts R goroutines a second (each parked on a channel, in
// growWait) and -grow-heap B keeps B more bytes live each second, in steps of 100 ms; -churn B
// allocates B bytes of garbage a second (GC cycles).
//
// Each /debug/vars answer is logged on stdout as "served vars at=UNIXMS goroutines=N heap_alloc=B";
// each /metrics answer as "served metrics at=UNIXMS go_goroutines=N". It prints "listening URL"
// once it accepts connections and exits when its stdin closes.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"expvar"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	rpprof "runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var (
	sessions = rpprof.NewProfile("gpw.sessions")
	nextID   atomic.Int64
	logMu    sync.Mutex
	live     [][]byte
	parked   []chan struct{}
	widgets  = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leakserver_widgets_total", Help: "Widgets made (a series no Go collector knows)."}, []string{"shop"})
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	growG := flag.Int("grow-goroutines", 0, "goroutines started per second")
	growHeap := flag.Int("grow-heap", 0, "bytes kept live per second")
	churn := flag.Int("churn", 0, "bytes of garbage allocated per second (GC cycles)")
	flag.Parse()

	expvar.Publish("goroutines", expvar.Func(func() any { return runtime.NumGoroutine() }))
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(collectors.MetricsAll)),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		widgets,
	)

	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/leak", leakHandler)
	mux.Handle("/debug/vars", logged("vars", expvar.Handler(), varsValues))
	mux.Handle("/metrics", logged("metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), metricsValues))

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "leakserver:", err)
		os.Exit(1)
	}
	if *growG > 0 || *growHeap > 0 {
		go grow(*growG, *growHeap)
	}
	if *churn > 0 {
		go churnGarbage(*churn)
	}
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	fmt.Printf("listening http://%s\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "leakserver:", err)
		os.Exit(1)
	}
}

// leakHandler starts n goroutines that can never finish: each waits on a channel only it holds.
func leakHandler(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 1 || n > 100000 {
		http.Error(w, "n: 1..100000", http.StatusBadRequest)
		return
	}
	leakMu.Lock()
	defer leakMu.Unlock()
	for i := 0; i < n; i++ {
		go leakyWait()
	}
	leaked += n
	widgets.WithLabelValues("leaks").Add(float64(n))
	// Answer once they are all parked: a dump taken after the answer then shows every one in its
	// wait, not a few still runnable (a loaded machine can take a while to run a new goroutine).
	if !waitLeaksParked(leaked, 30*time.Second) {
		http.Error(w, "the leaked goroutines did not all park within 30 s", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintf(w, "leaked %d\n", n)
}

var (
	leakMu sync.Mutex
	leaked int // goroutines leakHandler has started, under leakMu
)

// waitLeaksParked reports whether want goroutines wait in leakyWait's channel receive (as the
// runtime's own debug=2 dump shows them) before the time is up.
func waitLeaksParked(want int, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for {
		var buf bytes.Buffer
		if err := rpprof.Lookup("goroutine").WriteTo(&buf, 2); err != nil {
			return false
		}
		parkedNow := 0
		for _, block := range strings.Split(buf.String(), "\n\n") {
			if strings.HasPrefix(block, "goroutine ") && strings.Contains(block, " [chan receive") && strings.Contains(block, "\nmain.leakyWait(") {
				parkedNow++
			}
		}
		if parkedNow >= want {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// leakyWait parks on a channel nobody else can reach (the profile's key is a number, not the
// channel), so Go 1.26's leak detector can find it.
func leakyWait() {
	ch := make(chan struct{})
	sessions.Add(nextID.Add(1), 1)
	<-ch
}

// grow starts perSec goroutines and keeps heapPerSec bytes more live every second, a tenth at a time.
func grow(perSec, heapPerSec int) {
	tick := time.NewTicker(100 * time.Millisecond)
	var started, kept int
	t0 := time.Now()
	for range tick.C {
		tenths := int(time.Since(t0) / (100 * time.Millisecond))
		for ; started < perSec*tenths/10; started++ {
			ch := make(chan struct{})
			parked = append(parked, ch)
			go growWait(ch)
		}
		if want := heapPerSec * tenths / 10; want > kept {
			live = append(live, make([]byte, want-kept))
			kept = want
		}
	}
}

func growWait(ch chan struct{}) { <-ch }

var sink []byte

// churnGarbage allocates perSec bytes a second that die at once, a tenth at a time.
func churnGarbage(perSec int) {
	for range time.Tick(100 * time.Millisecond) {
		for left := perSec / 10; left > 0; left -= 64 << 10 {
			sink = make([]byte, 64<<10)
		}
	}
}

// logged serves h and logs what the answer said (values picks them out of the body).
func logged(what string, h http.Handler, values func([]byte) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		logMu.Lock()
		fmt.Printf("served %s at=%d %s\n", what, time.Now().UnixMilli(), values(rec.body.Bytes()))
		logMu.Unlock()
	})
}

type recorder struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func varsValues(body []byte) string {
	var v struct {
		Goroutines int                        `json:"goroutines"`
		Memstats   struct{ HeapAlloc uint64 } `json:"memstats"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return "error=" + strconv.Quote(err.Error())
	}
	return fmt.Sprintf("goroutines=%d heap_alloc=%d", v.Goroutines, v.Memstats.HeapAlloc)
}

func metricsValues(body []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			return "go_goroutines=" + v
		}
	}
	return "go_goroutines=missing"
}
