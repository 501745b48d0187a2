package connector

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/jsonscan"
	"github.com/saasconnect/saasconnect/internal/respath"
	"github.com/saasconnect/saasconnect/paginate"
)

// pageDecoder decodes users pages. When the records path is a simple path
// (and no document path reads into the records), it decodes by projection
// (internal/jsonscan): one validating pass over the page that materialises
// only the values the connector reads (mapping, filter, activity,
// pagination, success paths; a general path's plain-key prefix whole), and
// keeps each record's bytes for WithRawRecords. Otherwise it decodes fully
// (decodePage). Both give the same records, errors and raw bytes for what
// the connector reads. It is safe for concurrent use.
type pageDecoder struct {
	records *jsonpath.Path
	proj    *jsonscan.Decoder // nil: decode fully
	values  bool              // records_as values: decodeValues
	// success and errMessage are the listing's response.success_path and
	// error_message_path, checked on every page; nil when none.
	success, errMessage respath.Source
}

// newPageDecoder returns the decoder for a connector that reads recordPaths
// in each record and docPaths in the page. A nil path is ignored. A general
// path (wildcards, filters) is read on the whole value at its longest plain
// key prefix (see coveringKeys); a general records path means full decoding.
func newPageDecoder(records *jsonpath.Path, recordPaths, docPaths []*jsonpath.Path) *pageDecoder {
	d := &pageDecoder{records: records}
	steps := func(ps []*jsonpath.Path) [][]jsonpath.Step {
		var out [][]jsonpath.Step
		for _, p := range ps {
			switch {
			case p == nil:
			case p.Simple():
				out = append(out, p.Keys())
			default:
				out = append(out, coveringKeys(p.String()))
			}
		}
		return out
	}
	if !records.Simple() {
		return d
	}
	rp, dp := steps(recordPaths), steps(docPaths)
	proj, err := jsonscan.NewDecoder(jsonscan.Spec{Records: records.Keys(), RecordPaths: rp, DocPaths: dp})
	if err == nil {
		d.proj = proj
	}
	return d
}

// bufPool holds page buffers (pages read without raw records).
var bufPool = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBuffer is the largest buffer kept for reuse.
const maxPooledBuffer = 4 << 20

// decode reads and decodes one page (see decode.go for the contract): by
// projection when it can, fully otherwise.
func (d *pageDecoder) decode(body io.Reader, limit int64, keepRaw bool) (decodedPage, error) {
	if d.values {
		return decodeValues(body, limit, d.records, keepRaw)
	}
	var data []byte
	if !keepRaw {
		// Decoded values never alias the buffer: it can be reused.
		pb := bufPool.Get().(*[]byte)
		data = (*pb)[:0]
		defer func() {
			if cap(data) <= maxPooledBuffer {
				*pb = data[:0]
				bufPool.Put(pb)
			}
		}()
	}
	data, err := readCapped(body, data, limit+1)
	page := decodedPage{Size: int64(len(data))}
	if err != nil {
		return page, &bodyReadError{page.Size, err} // fetch retries the page
	}
	if page.Size > limit {
		return page, fmt.Errorf("%w: more than %d bytes (WithMaxBodyBytes)", errBodyTooLarge, limit)
	}
	if d.proj == nil {
		return d.full(page, data, keepRaw)
	}
	p, err := d.proj.Decode(data, keepRaw)
	switch {
	case err != nil:
		return page, decodeError(data, err)
	case !p.Found || p.Kind != "":
		// The records are missing or not an array: decode fully for the
		// error naming what the page holds.
		return d.full(page, data, false)
	}
	page.Body, page.Records = p.Doc, p.Records
	if keepRaw && len(p.Raw) > 0 {
		page.Raw = p.Raw
	}
	return page, nil
}

// full decodes data completely into page. page.Body is set even when the
// records are missing (response.success_path is read on it).
func (d *pageDecoder) full(page decodedPage, data []byte, keepRaw bool) (decodedPage, error) {
	doc, err := jsonscan.Decode(data)
	if err != nil {
		return page, decodeError(data, err)
	}
	page.Body = doc
	if page.Records, err = extractRecords(doc, d.records); err != nil {
		return page, err
	}
	if keepRaw {
		if page.Raw, err = rawRecords(data, d.records, page.Records); err != nil {
			return page, err
		}
	}
	return page, nil
}

// coveringKeys returns the longest run of plain dot keys that starts a
// general JSONPath expression, such that the expression reads nothing
// outside the value at those keys: "links.groups[*].name" gives
// [links groups]. An expression that refers to the root inside (a filter
// with "$") or starts otherwise than with a plain key gives none (the whole
// document). Keys are ASCII letters, digits, '_' and '-', and must be
// followed by '.' or '['.
func coveringKeys(expr string) []jsonpath.Step {
	s, ok := strings.CutPrefix(expr, "$")
	if !ok {
		s = "." + s // jsonpath reads a general expression without "$" as "$." + expr
	}
	var keys []jsonpath.Step
	for len(s) >= 2 && s[0] == '.' && isKeyByte(s[1]) {
		i := 1
		for i < len(s) && isKeyByte(s[i]) {
			i++
		}
		if i == len(s) || s[i] != '.' && s[i] != '[' {
			break
		}
		keys = append(keys, jsonpath.Step{Key: s[1:i]})
		s = s[i:]
	}
	if strings.Contains(s, "$") {
		return nil
	}
	return keys
}

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// fetch is the walker's paginate.FetchPage (see fetchWith), decoding by
// projection when the template allows it.
func (c *Connector) fetch(ctx context.Context, req *http.Request) (paginate.Response, error) {
	return c.fetchWith(ctx, req, c.pages)
}

// fetchFull is fetch with full decoding: Test shows the keys of a record
// that does not map, which projection would have dropped.
func (c *Connector) fetchFull(ctx context.Context, req *http.Request) (paginate.Response, error) {
	return c.fetchWith(ctx, req, &pageDecoder{records: c.records, values: c.pages.values, success: c.success, errMessage: c.errMessage})
}

// readCapped appends what r holds to buf, up to max bytes, growing buf by
// doubling but never past max (a body over the cap costs max bytes, not
// twice that).
func readCapped(r io.Reader, buf []byte, max int64) ([]byte, error) {
	for int64(len(buf)) < max {
		if len(buf) == cap(buf) {
			c := int64(2*cap(buf) + 4096)
			if c > max {
				c = max
			}
			nb := make([]byte, len(buf), c)
			copy(nb, buf)
			buf = nb
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// bodyPaths lists the body paths a listing reads besides its records, as
// written: rec in each record (mapping with fallbacks and last activity,
// filters, a "$last" cursor), doc in the page document (pagination,
// response.success_path and error_message_path). Each block says what it
// reads; a path missing here would read as absent under projection, which
// TestBodyPathsCoverTemplate guards.
func bodyPaths(l listing) (rec, doc []string) {
	rec = append(rec, l.mapping.RecordPaths()...)
	rec = append(rec, filter.RecordPaths(l.filters...)...)
	rec = append(rec, joinOnPaths(l.joins)...)
	rec = append(rec, enrichPaths(l.enrich)...)
	pdoc, prec := l.pagination.BodyPaths()
	rec = append(rec, prec...)
	doc = append(doc, pdoc...)
	doc = append(doc, l.response.docPaths()...)
	return rec, doc
}

// docPaths returns the page-document paths r reads besides the records
// path: success_path and error_message_path, when set.
func (r ResponseSpec) docPaths() []string {
	var out []string
	for _, p := range []string{r.SuccessPath, r.ErrorMessagePath} {
		if _, header := respath.HeaderName(p); p != "" && !header {
			out = append(out, p)
		}
	}
	return out
}

// projectionPaths compiles bodyPaths(l) for the page decoder. A path that
// does not compile (Validate rejects it) forces full decoding.
func projectionPaths(l listing) (rec, doc []*jsonpath.Path) {
	compile := func(exprs []string) []*jsonpath.Path {
		out := make([]*jsonpath.Path, 0, len(exprs))
		for _, e := range exprs {
			p, err := jsonpath.Compile(e)
			if err != nil {
				p = jsonpath.MustCompile("$..*")
			}
			out = append(out, p)
		}
		return out
	}
	r, d := bodyPaths(l)
	return compile(r), compile(d)
}
