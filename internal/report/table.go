package report

import (
	"encoding/binary"
	"iter"
)

// A table maps keys to states, in insertion order. A key is already a
// uniform hash, so the table does not hash it again: its first 8 bytes pick
// a slot of a small open-addressing index (linear probing, at most 13/16
// full: a probe sequence that long still spans a cache line or two), and 32 other bits are kept in the slot as a fingerprint, so that a
// probe reads an entry only when it is almost surely the one sought. For the
// 200,000 mostly passing tests of a huge report this is one probe of a 2 MB
// index and one append per test, where a Go map hashed the key again and
// took a lookup and an assignment. Entries live in chunks of fixed size, so
// growing never copies them.
type table struct {
	// index holds 0 for an empty slot, else fingerprint<<32 | (i+1) for
	// the i-th entry.
	index  []uint64
	chunks [][]entry
	n      int
	sink   uint64 // keeps warm's reads
}

type entry struct {
	k  key
	st state
}

// minIndex is an index's first size; it doubles past 13/16 full.
const minIndex = 1024

// chunkBits sets the entries per chunk (4,096: 112 KiB).
const chunkBits = 12

func (t *table) len() int { return t.n }

// at returns the i-th entry.
func (t *table) at(i int) *entry { return &t.chunks[i>>chunkBits][i&(1<<chunkBits-1)] }

// push appends an entry and returns its index.
func (t *table) push(e entry) int {
	c := t.n >> chunkBits
	if c == len(t.chunks) {
		t.chunks = append(t.chunks, make([]entry, 0, 1<<chunkBits))
	}
	t.chunks[c] = append(t.chunks[c], e)
	t.n++
	return t.n - 1
}

func split(k key) (home uint64, fp uint64) {
	return binary.LittleEndian.Uint64(k[:8]), binary.LittleEndian.Uint64(k[8:]) >> 32
}

// get returns k's state.
func (t *table) get(k key) (state, bool) {
	if t.n == 0 {
		return state{}, false
	}
	h, fp := split(k)
	mask := uint64(len(t.index) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		v := t.index[i]
		if v == 0 {
			return state{}, false
		}
		if v>>32 == fp {
			if e := t.at(int(uint32(v)) - 1); e.k == k {
				return e.st, true
			}
		}
	}
}

// ref returns k's state to update in place, inserting it with idx -1 when
// it is absent (then found is false). The pointer is good until the next
// ref.
func (t *table) ref(k key) (st *state, found bool) {
	if t.full(1) {
		t.grow()
	}
	h, fp := split(k)
	mask := uint64(len(t.index) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		v := t.index[i]
		if v == 0 {
			n := t.push(entry{k: k, st: state{idx: -1}})
			t.index[i] = fp<<32 | uint64(n+1)
			return &t.at(n).st, false
		}
		if v>>32 == fp {
			if e := t.at(int(uint32(v)) - 1); e.k == k {
				return &e.st, true
			}
		}
	}
}

// warm reads the index slots of n keys about to be looked up. The reads
// are independent, so the processor overlaps their cache misses, and the
// lookups that follow find the slots in the cache: for a huge report this
// halves the time spent folding passing tests.
func (t *table) warm(keys iter.Seq[key], n int) {
	if t.full(n) {
		return // the index grows before these lookups end
	}
	mask := uint64(len(t.index) - 1)
	var sum uint64
	for k := range keys {
		h, _ := split(k)
		sum += t.index[h&mask]
	}
	t.sink = sum
}

// full reports whether the index must grow before n more keys go in.
func (t *table) full(n int) bool { return 16*(t.n+n) > 13*len(t.index) }

func (t *table) grow() {
	t.index = make([]uint64, max(minIndex, 2*len(t.index)))
	mask := uint64(len(t.index) - 1)
	for n := range t.n {
		h, fp := split(t.at(n).k)
		i := h & mask
		for t.index[i] != 0 {
			i = (i + 1) & mask
		}
		t.index[i] = fp<<32 | uint64(n+1)
	}
}

// all yields every key and its state, in insertion order.
func (t *table) all() iter.Seq2[key, *state] {
	return func(yield func(key, *state) bool) {
		for _, c := range t.chunks {
			for i := range c {
				if !yield(c[i].k, &c[i].st) {
					return
				}
			}
		}
	}
}

// clone returns a copy of the table that shares no memory with it.
func (t *table) clone() table {
	c := table{index: append([]uint64(nil), t.index...), n: t.n}
	c.chunks = make([][]entry, len(t.chunks))
	for i, ch := range t.chunks {
		c.chunks[i] = append(make([]entry, 0, 1<<chunkBits), ch...)
	}
	return c
}

// reset empties the table, keeping its memory.
func (t *table) reset() {
	if t.n > 0 {
		clear(t.index)
		for i := range t.chunks {
			t.chunks[i] = t.chunks[i][:0]
		}
		t.n = 0
	}
}
