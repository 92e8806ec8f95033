package report

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestTableMatchesMap updates a table and a Go map the same way, with keys
// that collide in their home slot and fingerprint, across growth and reset.
func TestTableMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var tb table
	for round := range 2 {
		want := map[key]state{}
		var order []key
		for i := range 50_000 {
			var k key
			n := r.IntN(30_000)
			binary.LittleEndian.PutUint64(k[:8], uint64(n/4)*0x9e3779b97f4a7c15) // four share a home slot
			binary.LittleEndian.PutUint64(k[8:], uint64(n%3)<<32|uint64(n))
			st, found := tb.ref(k)
			w, ok := want[k]
			if found != ok {
				t.Fatalf("round %d, op %d: ref(%x) found %v, want %v", round, i, k, found, ok)
			}
			if !ok {
				w.idx = -1
				order = append(order, k)
			}
			if *st != w {
				t.Fatalf("round %d, op %d: ref(%x) = %+v, want %+v", round, i, k, *st, w)
			}
			st.passed++
			st.bits |= uint8(1 << (n % 3))
			w.passed++
			w.bits |= uint8(1 << (n % 3))
			want[k] = w
		}
		if tb.len() != len(want) {
			t.Fatalf("round %d: len %d, want %d", round, tb.len(), len(want))
		}
		i := 0
		for k, st := range tb.all() {
			if k != order[i] || *st != want[k] {
				t.Fatalf("round %d: entry %d is %x %+v, want %x %+v", round, i, k, *st, order[i], want[order[i]])
			}
			i++
		}
		for k, w := range want {
			if got, ok := tb.get(k); !ok || got != w {
				t.Fatalf("round %d: get(%x) = %+v, %v; want %+v", round, k, got, ok, w)
			}
		}
		if _, ok := tb.get(key{1}); ok {
			t.Fatalf("round %d: get of an absent key found it", round)
		}
		tb.reset()
		if tb.len() != 0 {
			t.Fatalf("round %d: len %d after reset", round, tb.len())
		}
	}
}
