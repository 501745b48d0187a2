package jsonscan

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// node is one step of the projection trie.
type node struct {
	name string // the key that leads here (reused for the map key)
	// leaf: the value here is materialised completely. objLeaf: only when it
	// is an object (a path whose last step was an index 0 or -1, read on an
	// object by jsonpath's singleton leniency).
	leaf, objLeaf bool
	// id numbers the leaves (from 0) for the per-page string caches; -1
	// means no cache.
	id   int
	keys map[string]*node
	idx  []idxChild // array children; negative indexes count from the end
	neg  bool       // some idx child is negative
	each *node      // the records array: every element, projected by each
}

type idxChild struct {
	i int
	n *node
}

func (n *node) key(k string) *node {
	c := n.keys[k]
	if c == nil {
		if n.keys == nil {
			n.keys = map[string]*node{}
		}
		c = &node{name: k}
		n.keys[k] = c
	}
	return c
}

func (n *node) index(i int) *node {
	for _, c := range n.idx {
		if c.i == i {
			return c.n
		}
	}
	c := &node{}
	n.idx = append(n.idx, idxChild{i, c})
	n.neg = n.neg || i < 0
	return c
}

// insert adds the path (and, for each index 0 or -1, the variant without
// that step: jsonpath reads an object there as a one-element array).
func (n *node) insert(steps []jsonpath.Step, objOnly bool) {
	if len(steps) == 0 {
		if objOnly {
			n.objLeaf = true
		} else {
			n.leaf = true
		}
		return
	}
	s := steps[0]
	if !s.IsIndex {
		n.key(s.Key).insert(steps[1:], objOnly)
		return
	}
	n.index(s.Index).insert(steps[1:], objOnly)
	if s.Index == 0 || s.Index == -1 {
		n.insert(steps[1:], objOnly || len(steps) == 1)
	}
}

// Spec says what a Decoder materialises. Paths are the steps of simple
// jsonpath paths (jsonpath.Path.Keys).
type Spec struct {
	// Records is the path of the records array (nil: the document is the
	// array). It must consist of keys only.
	Records []jsonpath.Step
	// RecordPaths are read in every record (mapping, filter and activity
	// fields, a last-record cursor).
	RecordPaths [][]jsonpath.Step
	// DocPaths are read in the document (pagination values). They must not
	// lead into or through the records array.
	DocPaths [][]jsonpath.Step
}

// ErrUnsupported is returned by NewDecoder for a Spec it cannot project; the
// caller decodes fully instead.
var ErrUnsupported = errors.New("jsonscan: spec cannot be projected")

// Decoder decodes pages by projection. It is immutable and safe for
// concurrent use.
type Decoder struct {
	root   *node
	leaves int
}

// NewDecoder compiles s. It fails, wrapping ErrUnsupported, when the records
// path holds an index or a document path reaches the records array.
func NewDecoder(s Spec) (*Decoder, error) {
	root := &node{}
	for _, p := range s.DocPaths {
		root.insert(p, false)
	}
	n := root
	for _, st := range s.Records {
		if st.IsIndex {
			return nil, fmt.Errorf("%w: records path has an index", ErrUnsupported)
		}
		if n.leaf || n.objLeaf {
			return nil, fmt.Errorf("%w: a document path reads a value enclosing the records", ErrUnsupported)
		}
		n = n.key(st.Key)
	}
	if n.leaf || n.objLeaf || n.keys != nil || n.idx != nil {
		return nil, fmt.Errorf("%w: a document path reads into the records", ErrUnsupported)
	}
	n.each = &node{}
	for _, p := range s.RecordPaths {
		n.each.insert(p, false)
	}
	d := &Decoder{root: root}
	d.number(root)
	return d, nil
}

// number gives every leaf its id.
func (d *Decoder) number(n *node) {
	if n.leaf {
		n.id = d.leaves
		d.leaves++
	}
	for _, c := range n.keys {
		d.number(c)
	}
	for _, c := range n.idx {
		d.number(c.n)
	}
	if n.each != nil {
		d.number(n.each)
	}
}

// Page is one decoded page.
type Page struct {
	// Doc is the pruned document: every Spec path evaluates on it as on the
	// complete document (same presence, same values); the records array is
	// in it too.
	Doc any
	// Records are the projected records (nil when the array is empty or
	// null, or absent).
	Records []any
	// Raw holds each record's bytes, sub-slices of the input, when asked
	// for; aligned with Records.
	Raw []json.RawMessage
	// Found reports whether the records path exists in the document (a
	// JSON null there counts as found, with no records).
	Found bool
	// Kind is the JSON kind ("object", "string", "number", "boolean") found
	// at the records path when it is neither an array nor null.
	Kind string
}

// decoder is one Decode call.
type decoder struct {
	scanner
	raw    bool
	page   Page
	caches []stringCache // by leaf id
}

// Decode validates data (one JSON document, white space around it allowed)
// and decodes it by projection. With raw, Page.Raw holds each record's
// bytes, which alias data. Errors are *SyntaxError.
func (d *Decoder) Decode(data []byte, raw bool) (Page, error) {
	dec := decoder{scanner: scanner{data: data}, raw: raw, caches: make([]stringCache, d.leaves)}
	v, err := dec.value(d.root)
	if err != nil {
		return Page{}, err
	}
	if err := dec.end(); err != nil {
		return Page{}, err
	}
	dec.page.Doc = v
	return dec.page, nil
}

// value decodes the value at d.pos as n projects it.
func (d *decoder) value(n *node) (any, error) {
	if n.leaf {
		d.skipWS()
		if d.pos < len(d.data) && d.data[d.pos] == '"' && n.id >= 0 {
			return d.leafString(&d.caches[n.id])
		}
		return d.full()
	}
	d.skipWS()
	if d.pos >= len(d.data) {
		return nil, d.eof()
	}
	if n.each != nil {
		// A repeated key: the last one wins, as in encoding/json.
		d.page.Records, d.page.Raw, d.page.Kind = nil, nil, ""
	}
	switch d.data[d.pos] {
	case '{':
		if n.each != nil {
			d.page.Found, d.page.Kind = true, "object"
			return nil, d.skip()
		}
		if n.objLeaf {
			return d.full()
		}
		return d.object(n)
	case '[':
		if n.each != nil {
			d.page.Found = true
			return d.records(n.each)
		}
		return d.array(n)
	}
	v, err := d.full()
	if n.each != nil {
		d.page.Found = true
		d.page.Kind = kind(v)
	}
	return v, err
}

func kind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case nil:
		return ""
	}
	return "number"
}

func (d *decoder) object(n *node) (any, error) {
	d.depth++
	if d.depth > maxDepth {
		return nil, d.tooDeep()
	}
	d.pos++ // {
	m := make(map[string]any, len(n.keys))
	d.skipWS()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return m, nil
	}
	for {
		d.skipWS()
		if d.pos >= len(d.data) {
			return nil, d.eof()
		}
		if d.data[d.pos] != '"' {
			return nil, d.errAt(d.pos, "looking for beginning of object key string")
		}
		open := d.pos
		start, end, slow, err := d.str()
		if err != nil {
			return nil, err
		}
		var c *node
		if n.keys != nil {
			if !slow {
				c = n.keys[string(d.data[start:end])]
			} else {
				c = n.keys[d.unquote(open, start, end)]
			}
		}
		if err := d.colon(); err != nil {
			return nil, err
		}
		if c == nil {
			if err := d.skip(); err != nil {
				return nil, err
			}
		} else {
			v, err := d.value(c)
			if err != nil {
				return nil, err
			}
			m[c.name] = v
		}
		done, err := d.next('}', "object key:value pair")
		if err != nil {
			return nil, err
		}
		if done {
			d.depth--
			return m, nil
		}
	}
}

// array decodes an array keeping only the elements n's index children
// read; the others are nil, so the length (and negative indexes) match.
func (d *decoder) array(n *node) (any, error) {
	d.depth++
	if d.depth > maxDepth {
		return nil, d.tooDeep()
	}
	d.pos++ // [
	a := make([]any, 0)
	var starts []int // element offsets, when negative indexes need the length
	d.skipWS()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.depth--
		return a, nil
	}
	for i := 0; ; i++ {
		var c *node
		if !n.neg {
			for _, x := range n.idx {
				if x.i == i {
					c = x.n
				}
			}
		} else {
			d.skipWS()
			starts = append(starts, d.pos)
		}
		if c == nil {
			if err := d.skip(); err != nil {
				return nil, err
			}
			a = append(a, nil)
		} else {
			v, err := d.value(c)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		done, err := d.next(']', "")
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
	}
	d.depth--
	if n.neg {
		// Second pass over the (valid) elements the indexes name.
		end := d.pos
		var taken []int
		for _, x := range n.idx {
			i := x.i
			if i < 0 {
				i += len(a)
			}
			if i < 0 || i >= len(a) {
				continue
			}
			c := x.n
			if slices.Contains(taken, i) {
				c = &node{leaf: true, id: -1} // two paths meet here: keep it all
			}
			taken = append(taken, i)
			d.pos = starts[i]
			v, err := d.value(c)
			if err != nil {
				return nil, err
			}
			a[i] = v
		}
		d.pos = end
	}
	return a, nil
}

// records decodes the records array.
func (d *decoder) records(each *node) (any, error) {
	d.depth++
	if d.depth > maxDepth {
		return nil, d.tooDeep()
	}
	d.pos++ // [
	recs := make([]any, 0, 128)
	d.skipWS()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.depth--
		return recs, nil
	}
	for {
		d.skipWS()
		start := d.pos
		v, err := d.value(each)
		if err != nil {
			return nil, err
		}
		recs = append(recs, v)
		if d.raw {
			d.page.Raw = append(d.page.Raw, d.data[start:d.pos:d.pos])
		}
		done, err := d.next(']', "")
		if err != nil {
			return nil, err
		}
		if done {
			d.depth--
			d.page.Records = recs
			return recs, nil
		}
	}
}

// stringCache shares the string values one leaf path takes within a page.
// Vendors repeat low-cardinality values (status, type, department, role) in
// every record: each distinct one is allocated (and boxed in an interface)
// once per page instead of once per record. A path whose values rarely
// repeat (ids, emails) turns its cache off after a few misses.
type stringCache struct {
	m            map[string]any
	hits, misses int
	off          bool
}

const (
	maxCached     = 64 // distinct values kept per path and page
	minCacheTries = 8  // misses before a cache may turn off
)

// leafString reads the string at d.pos through c.
func (d *decoder) leafString(c *stringCache) (any, error) {
	open := d.pos
	start, end, slow, err := d.str()
	if err != nil {
		return nil, err
	}
	if slow {
		return d.unquote(open, start, end), nil
	}
	b := d.data[start:end]
	if c.off {
		return string(b), nil
	}
	if v, ok := c.m[string(b)]; ok {
		c.hits++
		return v, nil
	}
	c.misses++
	var v any = string(b)
	switch {
	case c.misses > minCacheTries && c.misses > 2*c.hits:
		c.off, c.m = true, nil
	case len(c.m) < maxCached:
		if c.m == nil {
			c.m = make(map[string]any, 8)
		}
		c.m[v.(string)] = v
	}
	return v, nil
}
