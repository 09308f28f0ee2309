// Command bigprofile writes a large allocs profile of the shape continuous profilers and
// long-running services produce: well over a million distinct sample records, stacks 14 to
// 28 frames deep with shared roots, inlined frames, pprof labels on every sample and the four
// allocs sample types (alloc_objects, alloc_space, inuse_objects, inuse_space). The runtime
// cannot be made to record that many distinct stacks in reasonable time, so the profile is
// written directly in profile.proto's encoding; every field is one the runtime writes for an
// allocs profile, plus string labels as a labelled program's CPU profile carries.
//
//	go build -o ../bin/bigprofile . && ../bin/bigprofile -out DIR [-samples N]
//
// Stacks: a fixed root chain (runtime.goexit, main.main, a server loop), then seven levels;
// at level k the sample's k-th base-8 digit picks one of 8 consecutive entries (from a
// per-level table of functions, offset by a hash of the digits above), each entry a chain of
// 1 to 3 frames (stacks of 14 to 28 frames), so stacks are distinct by construction and share prefixes as real ones do.
// Output is deterministic for its flags. -shuffle writes the same records in a fixed pseudo-random
// order (a runtime writes its buckets in hash order, and a merge in the order keys are first met),
// not grouped by stack as the generator makes them.
//
// A tall, wide flame graph for the flame graph's frame-rate benchmark (tests/bench/flame-fps-bench.mjs):
//
//	bigprofile -out DIR -levels 3 -fanout 10 -samples 1000 -deep 100 -even
//
// 1,000 stacks of about equal weight (every column at least a pixel wide in a 1,200 px graph),
// whose last level is a chain of 100 to 112 frames: over 100,000 frames, each at least a pixel wide.
//
// Standard library only.
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

const (
	perLevel  = 96 // functions per level table (entries start at a hash offset)
	rootDepth = 6
)

// enc is a tiny protobuf writer.
type enc struct{ b []byte }

func (e *enc) varint(v uint64) {
	for v >= 0x80 {
		e.b = append(e.b, byte(v)|0x80)
		v >>= 7
	}
	e.b = append(e.b, byte(v))
}
func (e *enc) tag(field, wire int) { e.varint(uint64(field<<3 | wire)) }
func (e *enc) uint(field int, v uint64) {
	if v == 0 {
		return
	}
	e.tag(field, 0)
	e.varint(v)
}
func (e *enc) int(field int, v int64) { e.uint(field, uint64(v)) }
func (e *enc) bytes(field int, b []byte) {
	e.tag(field, 2)
	e.varint(uint64(len(b)))
	e.b = append(e.b, b...)
}
func (e *enc) msg(field int, f func(m *enc)) {
	var m enc
	f(&m)
	e.bytes(field, m.b)
}
func (e *enc) packed(field int, vs []uint64) {
	var m enc
	for _, v := range vs {
		m.varint(v)
	}
	e.bytes(field, m.b)
}

type strings struct {
	list []string
	ids  map[string]int64
}

func (s *strings) id(x string) int64 {
	if i, ok := s.ids[x]; ok {
		return i
	}
	i := int64(len(s.list))
	s.list = append(s.list, x)
	s.ids[x] = i
	return i
}

type function struct {
	name, file string
	line       int64
}

// location: one or two lines (the first the innermost, inlined into the second).
type location struct{ lines [][2]int64 } // {function id, line}

func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

func main() {
	out := flag.String("out", "", "directory to write allocs.pb.gz into (created if missing)")
	samples := flag.Int("samples", 1_600_000, "number of distinct sample records (at most fanout^levels: 8^7 = 2,097,152)")
	levels := flag.Int("levels", 7, "levels of choices below the root chain")
	fanout := flag.Int("fanout", 8, "entries to choose from at each level (at most 64)")
	deep := flag.Int("deep", 0, "if > 0, the last level's entries are chains of deep to deep+deep/8 frames (a tall graph) instead of 1 to 3")
	even := flag.Bool("even", false, "sample values within 1.25x of each other, so every stack is about equally wide")
	shuffle := flag.Bool("shuffle", false, "write the samples in a fixed pseudo-random order (as a runtime's hash-ordered buckets or a merge leaves them) instead of by stack")
	flag.Parse()
	limit := 1
	for l := 0; l < *levels && limit <= 1<<21; l++ {
		limit *= *fanout
	}
	if *out == "" || *levels < 1 || *levels > 12 || *fanout < 2 || *fanout > 64 || *deep < 0 || *deep > 2000 || *samples < 1 || *samples > limit || *samples > 1<<21 {
		fmt.Fprintln(os.Stderr, "usage: bigprofile -out DIR [-samples N<=min(fanout^levels,2097152)] [-levels L<=12] [-fanout F<=64] [-deep D<=2000] [-even] [-shuffle]")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatal(err)
	}
	st := &strings{ids: map[string]int64{}}
	st.id("")

	var funcs []function
	addFunc := func(name, file string, line int64) int64 {
		funcs = append(funcs, function{name, file, line})
		return int64(len(funcs)) // ids from 1
	}
	var locs []location
	addLoc := func(lines ...[2]int64) int64 {
		locs = append(locs, location{lines})
		return int64(len(locs))
	}
	pkgs := []string{"api", "store", "cache", "codec", "auth", "billing", "search", "queue", "render", "geo", "rpc", "metrics"}

	// Root chain, outermost first.
	rootNames := []string{"runtime.goexit", "main.main", "example.com/svc/server.(*Server).Serve", "example.com/svc/server.(*Server).handle", "net/http.HandlerFunc.ServeHTTP", "example.com/svc/server.(*mux).route"}
	var root []int64
	for i, n := range rootNames[:rootDepth] {
		root = append(root, addLoc([2]int64{addFunc(n, "server.go", int64(40+i*17)), int64(50 + i*17)}))
	}
	// Leaves: the allocating runtime frames of half the samples (small ids: the most frequent).
	leafNames := []string{"runtime.newobject", "runtime.makeslice", "runtime.growslice", "runtime.concatstrings", "runtime.makemap_small"}
	var leaves []int64
	for i, n := range leafNames {
		leaves = append(leaves, addLoc([2]int64{addFunc(n, "runtime/malloc.go", int64(1000+i*100)), int64(1010 + i*100)}))
	}
	// Level tables: entry = chain of locations (outermost first).
	table := make([][][]int64, *levels)
	for l := 0; l < *levels; l++ {
		tall := *deep > 0 && l == *levels-1
		for j := 0; j < perLevel; j++ {
			pkg := pkgs[(l*7+j)%len(pkgs)]
			n := 1 + int(mix(uint64(l*1000+j))%3)
			if tall {
				n = *deep + int(mix(uint64(l*1000+j))%uint64(*deep/8+1))
			}
			var chain []int64
			for k := 0; k < n; k++ {
				id := j*8 + k
				if tall {
					// A long chain crosses packages every few frames, as middleware and recursive descent do.
					pkg = pkgs[(l*7+j+k/6)%len(pkgs)]
					id = j*4096 + k
				}
				name := fmt.Sprintf("example.com/svc/%s.(*T%d).step%d_%d", pkg, j%9, l, id)
				file := fmt.Sprintf("%s/l%d.go", pkg, l)
				f := addFunc(name, file, int64(10+k*30))
				if k > 0 && mix(uint64(l*7919+j*31+k))%5 == 0 {
					// An inlined call: this frame and a small helper in one location.
					h := addFunc(fmt.Sprintf("example.com/svc/%s.helper%d_%d", pkg, l, j*8+k), file, 900)
					chain = append(chain, addLoc([2]int64{h, 905}, [2]int64{f, int64(12 + k*30)}))
				} else {
					chain = append(chain, addLoc([2]int64{f, int64(12 + k*30)}))
				}
			}
			table[l] = append(table[l], chain)
		}
	}

	var p enc
	// sample_type, in the runtime's order.
	for _, t := range [][2]string{{"alloc_objects", "count"}, {"alloc_space", "bytes"}, {"inuse_objects", "count"}, {"inuse_space", "bytes"}} {
		p.msg(1, func(m *enc) { m.int(1, st.id(t[0])); m.int(2, st.id(t[1])) })
	}
	tenantKey, bytesKey, bytesUnit := st.id("tenant"), st.id("bytes"), st.id("bytes")
	var tenants []int64
	for i := 0; i < 40; i++ {
		tenants = append(tenants, st.id(fmt.Sprintf("tenant-%02d", i)))
	}

	stack := make([]uint64, 0, 80)
	chains := make([][]int64, *levels)
	vals := make([]uint64, 4)
	// Sample k of the file is record order[k]: by stack, or shuffled (Fisher-Yates on mix).
	order := make([]int32, *samples)
	for k := range order {
		order[k] = int32(k)
	}
	if *shuffle {
		for k := len(order) - 1; k > 0; k-- {
			j := int(mix(uint64(k)+777) % uint64(k+1))
			order[k], order[j] = order[j], order[k]
		}
	}
	for _, i32 := range order {
		i := int(i32)
		stack = stack[:0]
		// Leaf first, as profile.proto stores stacks.
		r := mix(uint64(i) + 12345)
		if r%2 == 0 { // else the application function allocates itself
			stack = append(stack, uint64(leaves[int(r>>1)%len(leaves)]))
		}
		prefix := uint64(0)
		place := uint64(1)
		for l := 1; l < *levels; l++ {
			place *= uint64(*fanout)
		}
		for l := 0; l < *levels; l++ {
			digit := uint64(i) / place % uint64(*fanout)
			place /= uint64(*fanout)
			entry := (mix(prefix*131+uint64(l))%uint64(perLevel-*fanout) + digit) % perLevel
			chains[l] = table[l][entry]
			prefix = prefix*uint64(*fanout) + digit + 1
		}
		for l := *levels - 1; l >= 0; l-- {
			c := chains[l]
			for k := len(c) - 1; k >= 0; k-- {
				stack = append(stack, uint64(c[k]))
			}
		}
		for k := len(root) - 1; k >= 0; k-- {
			stack = append(stack, uint64(root[k]))
		}
		size := uint64(16) << (r >> 8 % 8)
		objs := 1 + (r>>16)%64
		if *even {
			size, objs = 64, 4+(r>>16)%2
		}
		inuse := (r >> 24) % 4 // most allocations are garbage
		if inuse > objs {
			inuse = objs
		}
		vals[0], vals[1], vals[2], vals[3] = objs, objs*size, inuse, inuse*size
		p.msg(2, func(m *enc) {
			m.packed(1, stack)
			m.packed(2, vals)
			m.msg(3, func(l *enc) { l.int(1, bytesKey); l.int(3, int64(size)); l.int(4, bytesUnit) })
			m.msg(3, func(l *enc) { l.int(1, tenantKey); l.int(2, tenants[(r>>32)%uint64(len(tenants))]) })
		})
	}
	binary := st.id("/usr/local/bin/svc")
	p.msg(3, func(m *enc) {
		m.uint(1, 1)
		m.uint(2, 0x400000)
		m.uint(3, 0x4000000)
		m.int(5, binary)
		m.uint(7, 1) // has_functions
		m.uint(8, 1) // has_filenames
		m.uint(9, 1) // has_line_numbers
		m.uint(10, 1)
	})
	for i, l := range locs {
		p.msg(4, func(m *enc) {
			m.uint(1, uint64(i+1))
			m.uint(2, 1)
			m.uint(3, 0x401000+uint64(i)*0x40)
			for _, ln := range l.lines {
				m.msg(4, func(x *enc) { x.int(1, ln[0]); x.int(2, ln[1]) })
			}
		})
	}
	for i, f := range funcs {
		name, file := st.id(f.name), st.id(f.file)
		p.msg(5, func(m *enc) {
			m.uint(1, uint64(i+1))
			m.int(2, name)
			m.int(3, name)
			m.int(4, file)
			m.int(5, f.line)
		})
	}
	spaceT, bytesT, defaultT := st.id("space"), st.id("bytes"), st.id("alloc_space")
	for _, s := range st.list {
		p.bytes(6, []byte(s))
	}
	p.int(9, 1_760_000_000_000_000_000)
	p.msg(11, func(m *enc) { m.int(1, spaceT); m.int(2, bytesT) })
	p.int(12, 524288)
	p.int(14, defaultT)

	path := filepath.Join(*out, "allocs.pb.gz")
	f, err := os.Create(path)
	if err != nil {
		fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	z := gzip.NewWriter(w)
	if _, err := z.Write(p.b); err != nil {
		fatal(err)
	}
	if err := z.Close(); err != nil {
		fatal(err)
	}
	if err := w.Flush(); err != nil {
		fatal(err)
	}
	if err := f.Close(); err != nil {
		fatal(err)
	}
	fmt.Printf("bigprofile: wrote %s: %d samples, %d locations, %d functions, %d bytes raw\n", path, *samples, len(locs), len(funcs), len(p.b))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bigprofile:", err)
	os.Exit(1)
}
