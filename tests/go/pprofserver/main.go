// Command pprofserver is the Go target service for gpw's capture tests: a real
// net/http/pprof endpoint (plus expvar and a Prometheus /metrics scrape) on
// 127.0.0.1, with a small steady workload so every profile has content.
//
//	pprofserver [-addr 127.0.0.1:0] [-contention=false] [-write-timeout 2s] [-tls -ca-out FILE]
//
// It prints "listening URL" on stdout once it accepts connections, then serves
// until killed or until its stdin closes (so a test that dies takes it along).
//
// Variants (flags):
//   - -contention=false: block and mutex profiling stay off (empty profiles).
//   - -write-timeout D: the http.Server's WriteTimeout (pprof then refuses
//     longer ?seconds with 400 "profile duration exceeds server's WriteTimeout").
//   - -tls: HTTPS with a fresh self-signed certificate for 127.0.0.1, whose PEM
//     is written to -ca-out.
//   - -expvar=false / -metrics=false: no /debug/vars, no /metrics (404).
//
// Always present besides /debug/pprof/: /limited/debug/pprof/ accepts only POST
// (GET answers 405, as a method-restricting router would), and
// /moved/debug/pprof/ redirects to /debug/pprof/.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"expvar"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var (
	sinkU64  uint64
	keepLive [][]byte
	liveMu   sync.Mutex
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	contention := flag.Bool("contention", true, "turn on block and mutex profiling")
	writeTimeout := flag.Duration("write-timeout", 0, "http.Server WriteTimeout (0: none)")
	useTLS := flag.Bool("tls", false, "serve HTTPS with a self-signed certificate")
	caOut := flag.String("ca-out", "", "with -tls: write the certificate (PEM) here")
	withExpvar := flag.Bool("expvar", true, "serve /debug/vars")
	withMetrics := flag.Bool("metrics", true, "serve a Prometheus /metrics scrape")
	busy := flag.Duration("busy", 4*time.Millisecond, "CPU burned per 20 ms by the workload")
	flag.Parse()

	runtime.MemProfileRate = 4096
	if *contention {
		runtime.SetBlockProfileRate(1)
		runtime.SetMutexProfileFraction(1)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("POST /limited/debug/pprof/", pprof.Index)
	mux.Handle("/moved/debug/pprof/", http.RedirectHandler("/debug/pprof/", http.StatusFound))
	if *withExpvar {
		mux.Handle("/debug/vars", expvar.Handler())
	}
	if *withMetrics {
		reg := prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	}

	ln, err := net.Listen("tcp", *addr)
	check(err)
	srv := &http.Server{Handler: mux, WriteTimeout: *writeTimeout, ReadHeaderTimeout: 10 * time.Second}
	scheme := "http"
	if *useTLS {
		cert, pemBytes := selfSigned()
		if *caOut != "" {
			check(os.WriteFile(*caOut, pemBytes, 0o644))
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		ln = tls.NewListener(ln, srv.TLSConfig)
		scheme = "https"
	}

	go workload(*busy)
	go exitWhenStdinCloses()
	fmt.Printf("listening %s://%s\n", scheme, ln.Addr())
	check(srv.Serve(ln))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "pprofserver:", err)
		os.Exit(1)
	}
}

func exitWhenStdinCloses() {
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// selfSigned makes a certificate for 127.0.0.1 that is its own CA.
func selfSigned() (tls.Certificate, []byte) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "gpw test target"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	check(err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	check(err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	check(err)
	return cert, certPEM
}

// workload runs forever: CPU bursts, allocation churn, a contended mutex and
// a blocking channel, each in a function named for what it does.
func workload(busy time.Duration) {
	go contendMutex()
	go blockOnChannel()
	for {
		start := time.Now()
		burnCPU(busy)
		churnAllocations()
		if rest := 20*time.Millisecond - time.Since(start); rest > 0 {
			time.Sleep(rest)
		}
	}
}

func burnCPU(d time.Duration) {
	x := sinkU64
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 2000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sinkU64 = x
}

func churnAllocations() {
	var parts []string
	for i := 0; i < 64; i++ {
		parts = append(parts, strings.Repeat("x", 32+i))
	}
	b := []byte(strings.Join(parts, ","))
	liveMu.Lock()
	keepLive = append(keepLive, b)
	if len(keepLive) > 256 {
		keepLive = keepLive[128:]
	}
	liveMu.Unlock()
}

func contendMutex() {
	var mu sync.Mutex
	for i := 0; i < 2; i++ {
		go func() {
			for {
				mu.Lock()
				time.Sleep(time.Millisecond)
				mu.Unlock()
			}
		}()
	}
}

func blockOnChannel() {
	ch := make(chan int)
	go func() {
		for {
			time.Sleep(5 * time.Millisecond)
			ch <- 1
		}
	}()
	for range ch {
	}
}
