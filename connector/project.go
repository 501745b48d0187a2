package connector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/jsonscan"
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

// decode reads and decodes one page; see decodePage for the contract.
func (d *pageDecoder) decode(body io.Reader, limit int64, keepRaw bool) (decodedPage, error) {
	if d.proj == nil {
		return decodePage(body, limit, d.records, keepRaw)
	}
	var page decodedPage
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
	n := int64(len(data))
	page.Size = n
	if err != nil {
		return page, &bodyReadError{n, err} // fetch retries the page
	}
	if n > limit {
		return page, fmt.Errorf("%w: more than %d bytes (WithMaxBodyBytes)", errBodyTooLarge, limit)
	}
	p, err := d.proj.Decode(data, keepRaw)
	if err != nil {
		var se *jsonscan.SyntaxError
		switch {
		case len(bytes.TrimLeft(data, " \t\r\n")) == 0:
			return page, fmt.Errorf("empty response body (byte offset %d), want JSON", n)
		case errors.Is(err, jsonscan.ErrTruncated):
			return page, fmt.Errorf("truncated JSON: body ended at byte offset %d", n)
		case errors.Is(err, jsonscan.ErrTrailingData):
			return page, err
		case errors.As(err, &se):
			return page, fmt.Errorf("invalid JSON at byte offset %d: %w", se.Offset, err)
		}
		return page, err
	}
	if !p.Found || p.Kind != "" {
		// The records are missing or not an array: decode fully for the
		// error naming what the page holds.
		doc, derr := jsonscan.Decode(data)
		if derr != nil {
			return page, derr
		}
		page.Body = doc // as decodePage: response.success_path is read on it
		_, err := extractRecords(doc, d.records)
		return page, err
	}
	page.Body, page.Records = p.Doc, p.Records
	if keepRaw && len(p.Raw) > 0 {
		page.Raw = p.Raw
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
	return c.fetchWith(ctx, req, &pageDecoder{records: c.records})
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

// projectionPaths lists the body paths the connector reads besides the
// records: record paths (mapping with fallbacks, filters, a "$last" cursor)
// and document paths (pagination, response.success_path and
// error_message_path). Header sources are not body paths. A path read on
// page bodies or records that is missing here reads as absent: every new
// one must be added (the connector's tests run with projection).
func (c *Connector) projectionPaths() (rec, doc []*jsonpath.Path) {
	rec = append(rec, c.mapper.Paths()...)
	doc = append(doc, c.success, c.errMessage)
	compile := func(expr string) *jsonpath.Path {
		if expr == "" || strings.HasPrefix(expr, "header:") {
			return nil
		}
		p, err := jsonpath.Compile(expr)
		if err != nil {
			return jsonpath.MustCompile("$..*") // unreachable (Validate); forces full decoding
		}
		return p
	}
	var addFilter func(f filter.Condition) // groups nest: every test's field
	addFilter = func(f filter.Condition) {
		rec = append(rec, compile(f.Field))
		for _, g := range f.Any {
			addFilter(g)
		}
		if f.Not != nil {
			addFilter(*f.Not)
		}
	}
	for _, f := range c.tmpl.Filters {
		addFilter(f)
	}
	pg := c.tmpl.Pagination
	if rest, ok := strings.CutPrefix(pg.CursorPath, "$last"); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
		if rest = strings.TrimPrefix(rest, "."); rest == "" {
			rest = "$"
		}
		rec = append(rec, compile(rest))
	} else {
		doc = append(doc, compile(pg.CursorPath))
	}
	doc = append(doc, compile(pg.NextURLPath), compile(pg.TotalPath), compile(pg.TotalPagesPath), compile(pg.HasMorePath))
	return rec, doc
}
