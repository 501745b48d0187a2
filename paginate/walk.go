package paginate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/saasconnect/saasconnect/internal/jsonvalue"
)

// A Request is the first request of a walk. The walk builds every request
// from it, cloning the URL, header and body and injecting the paging
// parameters.
type Request struct {
	Method string         // "" means GET
	URL    *url.URL       // absolute
	Header http.Header    // may be nil
	Body   map[string]any // JSON request body; nil for none
}

// A Response is one page as the [FetchPage] function decoded it.
type Response struct {
	URL        *url.URL // the URL that was requested; the walk fills it in when nil
	StatusCode int
	Header     http.Header
	Body       any   // the decoded JSON body (encoding/json with UseNumber)
	Records    []any // the page's records, extracted from Body
	// Raw holds the records verbatim, aligned with Records, when the
	// FetchPage keeps them (nil otherwise); the walk passes it through.
	Raw []json.RawMessage
}

// FetchPage sends req and decodes the response: it checks the status, caps
// and decodes the body, and extracts the records. An error ends the walk.
// With [Walker.Prefetch] above 1 it is called from several goroutines at
// once, so it must then be safe for concurrent use; it must return promptly
// once ctx (which is also req's context) is done.
type FetchPage func(ctx context.Context, req *http.Request) (Response, error)

// A Walker walks a paginated HTTP listing as its Config describes. Its
// fields are read when Walk is called; a Walker may be shared by goroutines
// once they are no longer modified.
type Walker struct {
	Config Config
	Fetch  FetchPage
	// Prefetch, when above 1, lets offset_limit and page_number walks keep
	// up to Prefetch page requests in flight once the first page has told
	// the total (total_path or total_pages_path). Pages are still yielded
	// in order, no request goes past the total or max_pages, and requests
	// in flight are cancelled when the consumer stops or an error occurs.
	Prefetch int
}

// A PageError is the error a walk ends with: it names the page (1 for the
// first request) and the request, with the URL's user info and
// credential-like query parameters (token, key, secret, password,
// signature, ...) redacted, and wraps the cause: the fetch error, the
// context's error, [ErrCursorLoop], [ErrTooManyPages], [ErrCrossOrigin], or
// a response value that is not what the Config promised.
type PageError struct {
	Page   int
	Method string
	URL    string // redacted
	Err    error
	msg    string // Err's message with the unredacted URL replaced
}

func (e *PageError) Error() string {
	msg := e.msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("paginate: page %d: %s %s: %s", e.Page, e.Method, e.URL, msg)
}

func (e *PageError) Unwrap() error { return e.Err }

func pageError(n int, req *http.Request, err error) error {
	pe := &PageError{Page: n, Method: req.Method, URL: redactURL(req.URL), Err: err}
	pe.msg = err.Error()
	if raw := req.URL.String(); raw != pe.URL {
		pe.msg = strings.ReplaceAll(pe.msg, raw, pe.URL)
	}
	return pe
}

// Walk returns an iterator over the pages of the listing that first starts.
//
// Walk builds each request from first, injecting the paging parameters, and
// passes it to Fetch. It yields every response it receives, in order,
// including an empty one, and stops at the first of these rules that holds:
// no records; has_more false; the records (total_path) or pages
// (total_pages_path) so far reach the total; a page shorter than page_size
// (offset_limit, page_number and "$last" cursors, and only when the response
// gives neither a total nor a has-more flag, which are trusted over the page
// length); no next cursor, link or URL. So it sends no request that the
// pagination already says is useless; the one extra request that returns
// nothing happens only after a full last page of a listing that gives no
// total.
//
// The iterator is reusable: each range starts the walk again with the first
// request. Breaking out of the loop stops the walk and cancels any prefetched
// request. It yields at most one error, last, with a zero Response: a
// [*PageError] wrapping the cause (an invalid Config or first request is
// yielded as is). ctx is checked before each request.
func (w *Walker) Walk(ctx context.Context, first Request) iter.Seq2[Response, error] {
	p, err := compile(w.Config)
	switch {
	case err != nil:
	case w.Fetch == nil:
		err = errors.New("paginate: Walker.Fetch is nil")
	case first.URL == nil || !first.URL.IsAbs() || first.URL.Host == "":
		err = errors.New("paginate: first request needs an absolute URL")
	}
	fetch, prefetch := w.Fetch, w.Prefetch
	first = Request{
		Method: first.Method,
		URL:    cloneURL(first.URL),
		Header: first.Header.Clone(),
		Body:   cloneBody(first.Body),
	}
	if first.Method == "" {
		first.Method = http.MethodGet
	}
	return func(yield func(Response, error) bool) {
		if err != nil {
			yield(Response{}, err)
			return
		}
		s := &walk{p: p, fetch: fetch, first: &first, prefetch: prefetch}
		s.run(ctx, yield)
	}
}

func cloneURL(u *url.URL) *url.URL {
	if u == nil {
		return nil
	}
	c := *u
	return &c
}

func cloneBody(b map[string]any) map[string]any {
	if b == nil {
		return nil
	}
	return jsonvalue.Clone(b).(map[string]any)
}

// position is what distinguishes one request of a walk from another.
type position struct {
	n      int      // page number in this walk, from 1
	index  int      // offset_limit: the offset; page_number: the page
	cursor string   // cursor_limit; "" on the first page
	url    *url.URL // link_header, next_url; nil on the first page
}

// walk is the state of one range over a Walk iterator.
type walk struct {
	p        *plan
	fetch    FetchPage
	first    *Request
	prefetch int

	seen       map[string]struct{} // cursors or URLs already requested
	count      int                 // records received so far
	total      int                 // from the latest response; -1 unknown
	totalPages int                 // from the latest response; -1 unknown

	ahead  []*future // prefetched pages, in walk order
	cancel context.CancelFunc
	pctx   context.Context
	wg     sync.WaitGroup
}

// errRepeatedPage is the ErrCursorLoop of a last-id walk whose page repeats
// an earlier page: the walk fails without yielding the page, so that no
// record is delivered twice.
var errRepeatedPage = fmt.Errorf("%w: the page repeats an earlier page (its last record's id was seen before)", ErrCursorLoop)

// A future is a page requested ahead of its turn.
type future struct {
	pos  position
	req  *http.Request
	done chan struct{}
	resp Response
	err  error
}

func (s *walk) run(ctx context.Context, yield func(Response, error) bool) {
	defer s.dropAhead()
	s.seen = make(map[string]struct{})
	s.total, s.totalPages = -1, -1
	pos := position{n: 1, index: s.p.start}
	for {
		var (
			f    *future
			req  *http.Request
			resp Response
			err  error
		)
		if len(s.ahead) > 0 {
			if h := s.ahead[0]; h.pos.n == pos.n && h.pos.index == pos.index {
				f, req = h, h.req
				s.ahead = s.ahead[1:]
			} else {
				// The walk left the predicted path (a short page moved the
				// offset): go on one page at a time.
				s.dropAhead()
				s.prefetch = 0
			}
		}
		if f == nil {
			if req, err = s.request(ctx, pos); err != nil {
				yield(Response{}, fmt.Errorf("paginate: page %d: %w", pos.n, err))
				return
			}
		}
		if ctx.Err() != nil {
			yield(Response{}, pageError(pos.n, req, ctx.Err()))
			return
		}
		if pos.n > s.p.maxPages {
			yield(Response{}, pageError(pos.n, req, fmt.Errorf("%w (%d)", ErrTooManyPages, s.p.maxPages)))
			return
		}
		if f != nil {
			<-f.done
			resp, err = f.resp, f.err
		} else {
			resp, err = s.fetch(ctx, req)
		}
		if err != nil {
			yield(Response{}, pageError(pos.n, req, err))
			return
		}
		if resp.URL == nil {
			resp.URL = req.URL
		}
		next, done, err := s.next(req, pos, &resp)
		if errors.Is(err, errRepeatedPage) {
			// Its records were delivered already: fail without them.
			yield(Response{}, pageError(pos.n, req, err))
			return
		}
		if !done && err == nil {
			s.fillAhead(ctx, next)
		}
		if !yield(resp, nil) {
			return
		}
		if err != nil {
			yield(Response{}, pageError(pos.n, req, err))
			return
		}
		if done {
			return
		}
		pos = next
	}
}

// request builds the request for pos.
func (s *walk) request(ctx context.Context, pos position) (*http.Request, error) {
	p, first := s.p, s.first
	u := pos.url
	if u == nil {
		u = cloneURL(first.URL)
	}
	body := cloneBody(first.Body)
	var err error
	set := func(field string, v any) {
		if field == "" || err != nil {
			return
		}
		if p.body {
			if body == nil {
				body = map[string]any{}
			}
			err = setBody(body, field, v)
			return
		}
		var s string
		switch v := v.(type) {
		case int:
			s = strconv.Itoa(v)
		case string:
			s = v
		}
		u.RawQuery = setQuery(u.RawQuery, field, s)
	}
	switch p.typ {
	case OffsetLimit:
		set(p.offset, pos.index)
		set(p.limit, p.size)
	case PageNumber:
		set(p.page, pos.index)
		set(p.pageSize, p.size)
	case CursorLimit:
		set(p.limit, p.size)
		if pos.cursor != "" {
			set(p.cursor, pos.cursor)
		}
	case LinkHeader, NextURL:
		if pos.url == nil { // later pages follow the link as is
			set(p.limit, p.size)
		}
	}
	if err != nil {
		return nil, err
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("request body: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, first.Method, "", rd)
	if err != nil {
		return nil, err
	}
	req.URL, req.Host = u, u.Host
	req.Header = first.Header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// next applies the stop rules to resp, the response to req at pos, and
// returns the position of the following page unless the walk is done.
func (s *walk) next(req *http.Request, pos position, resp *Response) (next position, done bool, err error) {
	p := s.p
	recs := len(resp.Records)
	if recs == 0 {
		return next, true, nil
	}
	s.count += recs

	known := false // the response says whether more records follow
	if v, ok := p.hasMore.get(resp); ok && v != nil {
		more, err := toBool(v)
		if err != nil {
			return next, true, fmt.Errorf("has_more_path: %w", err)
		}
		if !more {
			return next, true, nil
		}
		known = true
	}
	s.total, s.totalPages = -1, -1
	if v, ok := p.total.get(resp); ok && v != nil {
		if s.total, err = toInt(v); err != nil {
			return next, true, fmt.Errorf("total_path: %w", err)
		}
		if s.total < 0 { // some APIs say -1 for "not counted"
			s.total = -1
		} else {
			known = true
		}
	}
	if v, ok := p.totalPages.get(resp); ok && v != nil {
		if s.totalPages, err = toInt(v); err != nil {
			return next, true, fmt.Errorf("total_pages_path: %w", err)
		}
		if s.totalPages < 0 { // some APIs say -1 for "not counted"
			s.totalPages = -1
		} else {
			known = true
		}
	}
	if (s.total >= 0 && s.count >= s.total) || (s.totalPages >= 0 && pos.n >= s.totalPages) {
		return next, true, nil
	}
	if !known && p.size > 0 && recs < p.size &&
		(p.typ == OffsetLimit || p.typ == PageNumber || (p.typ == CursorLimit && p.fromLast)) {
		return next, true, nil
	}

	next = position{n: pos.n + 1}
	switch p.typ {
	case OffsetLimit:
		next.index = pos.index + recs
	case PageNumber:
		next.index = pos.index + 1
	case CursorLimit:
		var v any
		if p.fromLast {
			// A last record without the cursor field is a mapping mistake,
			// not the end of the listing: stopping would lose records.
			var ok bool
			if v, ok = p.cursorPath.Get(resp.Records[recs-1]); !ok || v == nil {
				return next, true, fmt.Errorf("cursor_path: no %s in the last record", p.cursorPath)
			}
		} else {
			v, _ = p.cursorPath.Get(resp.Body)
		}
		if next.cursor, err = toCursor(v); err != nil {
			return next, true, fmt.Errorf("cursor_path: %w", err)
		}
		if next.cursor == "" {
			return next, true, nil
		}
		if _, dup := s.seen[next.cursor]; dup {
			if p.fromLast {
				// The ids only grow along a last-id walk: a last id seen
				// before means this page repeats an earlier one.
				return next, true, errRepeatedPage
			}
			return next, true, ErrCursorLoop
		}
		s.seen[next.cursor] = struct{}{}
	case LinkHeader, NextURL:
		var raw string
		if p.typ == LinkHeader {
			if raw, err = nextLink(resp.Header); err != nil {
				return next, true, err
			}
		} else {
			v, _ := p.nextURL.Get(resp.Body)
			var isStr bool
			if raw, isStr = v.(string); !isStr && v != nil {
				return next, true, fmt.Errorf("next_url_path: want a string, got %s", describe(v))
			}
		}
		if raw == "" {
			return next, true, nil
		}
		ref, err := url.Parse(raw)
		if err != nil {
			return next, true, errors.New("next link is not a URL")
		}
		next.url = req.URL.ResolveReference(ref)
		if !sameOrigin(next.url, s.first.URL) {
			return next, true, fmt.Errorf("%w: %s://%s (first request: %s://%s)",
				ErrCrossOrigin, next.url.Scheme, next.url.Host, s.first.URL.Scheme, s.first.URL.Host)
		}
		s.seen[req.URL.String()] = struct{}{}
		key := next.url.String()
		if _, dup := s.seen[key]; dup {
			return next, true, fmt.Errorf("%w: %s", ErrCursorLoop, redactURL(next.url))
		}
		s.seen[key] = struct{}{}
	default: // None
		return next, true, nil
	}
	return next, false, nil
}

// fillAhead requests, concurrently, the pages after next that the latest
// total says exist, keeping up to s.prefetch requests in flight.
func (s *walk) fillAhead(ctx context.Context, next position) {
	p := s.p
	if s.prefetch < 2 || (p.typ != OffsetLimit && p.typ != PageNumber) {
		return
	}
	step := 1
	if p.typ == OffsetLimit {
		if p.size == 0 {
			return
		}
		step = p.size
	}
	// exists reports whether the total says page pos is within the listing,
	// assuming full pages; false when no total is known.
	exists := func(pos position) bool {
		if pos.n > p.maxPages {
			return false
		}
		switch {
		case s.totalPages >= 0:
			return pos.n <= s.totalPages
		case s.total >= 0 && p.size > 0:
			return (pos.n-1)*p.size < s.total
		}
		return false
	}
	cand := next
	if len(s.ahead) > 0 {
		if h := s.ahead[0].pos; h.n != next.n || h.index != next.index {
			return // off the predicted path; run drops these
		}
		last := s.ahead[len(s.ahead)-1].pos
		cand = position{n: last.n + 1, index: last.index + step}
	}
	for len(s.ahead) < s.prefetch && exists(cand) {
		if s.pctx == nil {
			s.pctx, s.cancel = context.WithCancel(ctx)
		}
		req, err := s.request(s.pctx, cand)
		if err != nil {
			return // the walk will meet the error when it gets there
		}
		f := &future{pos: cand, req: req, done: make(chan struct{})}
		s.ahead = append(s.ahead, f)
		pctx := s.pctx
		s.wg.Go(func() {
			defer close(f.done)
			f.resp, f.err = s.fetch(pctx, f.req)
		})
		cand = position{n: cand.n + 1, index: cand.index + step}
	}
}

// dropAhead cancels the prefetched requests and waits for them to return.
func (s *walk) dropAhead() {
	if s.cancel != nil {
		s.cancel()
		s.wg.Wait()
		s.pctx, s.cancel = nil, nil
	}
	s.ahead = nil
}
