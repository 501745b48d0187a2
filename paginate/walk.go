package paginate

import (
	"bytes"
	"context"
	"crypto/sha256"
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
	// Next is the walk's position after this page, filled by the walk:
	// give it to [Walker.WalkFrom] to continue with the following page.
	// Next.Done() is true on the last page. When the walk ends with an
	// error after this page, Next is the position of this page itself, so
	// that a resume tries it again.
	Next Checkpoint
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
	// SecretParams names query parameters, besides the credential-like
	// names the SDK recognises (token, key, secret, signature, ...), whose
	// values a [Checkpoint] must not hold: an API key the HTTP client adds
	// as a query parameter, which a vendor may echo in its next links.
	SecretParams []string
}

// A PageError is the error a walk ends with: it names the page (1 for the
// first request) and the request, with the URL's user info and
// credential-like query parameters (token, key, secret, password,
// signature, ...) redacted and a URL longer than 512 bytes cut short, and
// wraps the cause: the fetch error, the
// context's error, [ErrCursorLoop], [ErrTooManyPages], [ErrCrossOrigin], or
// a response value that is not what the Config promised.
type PageError struct {
	Page   int
	Method string
	URL    string // redacted, and cut to 512 bytes
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
	pe := &PageError{Page: n, Method: req.Method, URL: clip(redactURL(req.URL)), Err: err}
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
// no records; has_more false; last_page true; the records (total_path) or pages
// (total_pages_path) so far reach the total; a page shorter than page_size
// (offset_limit, page_number and "$last" cursors, and only when the response
// gives neither a total nor a has-more flag, which are trusted over the page
// length); no next cursor, link or URL. So it sends no request that the
// pagination already says is useless; the one extra request that returns
// nothing happens only after a full last page of a listing that gives no
// total.
//
// Walk keeps a fixed-size fingerprint of each request it sends (method,
// origin, path, query pairs in any order, body), the first included. A next
// cursor or link that leads to a request already sent ends the walk with
// [ErrCursorLoop] before that request, so no page is delivered twice; a
// cursor or next URL longer than max_cursor_bytes ends it with an error
// naming where it was read.
//
// The iterator is reusable: each range starts the walk again with the first
// request. Breaking out of the loop stops the walk and cancels any prefetched
// request. It yields at most one error, last, with a zero Response: a
// [*PageError] wrapping the cause (an invalid Config or first request is
// yielded as is). ctx is checked before each request.
func (w *Walker) Walk(ctx context.Context, first Request) iter.Seq2[Response, error] {
	return w.walkFrom(ctx, first, Checkpoint{})
}

// walkFrom is Walk and WalkFrom.
func (w *Walker) walkFrom(ctx context.Context, first Request, from Checkpoint) iter.Seq2[Response, error] {
	p, err := compile(w.Config)
	switch {
	case err != nil:
	case w.Fetch == nil:
		err = errors.New("paginate: Walker.Fetch is nil")
	case first.URL == nil || !first.URL.IsAbs() || first.URL.Host == "":
		err = errors.New("paginate: first request needs an absolute URL")
	default:
		err = checkFirst(p, first.URL)
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
	var (
		bind       [sha256.Size]byte
		credential func(string) bool
	)
	if err == nil {
		bind = bindListing(w.Config, &first, w.secretParam())
		credential = w.credentialParam(&first)
	}
	return func(yield func(Response, error) bool) {
		if err != nil {
			yield(Response{}, err)
			return
		}
		s := &walk{p: p, fetch: fetch, first: &first, prefetch: prefetch, credential: credential, bind: bind}
		s.run(ctx, from, yield)
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
	// credential names the query parameters a Checkpoint leaves out.
	credential func(string) bool
	bind       [sha256.Size]byte // the listing's fingerprint (bindListing)

	seen       map[[sha256.Size]byte]struct{} // fingerprints of the requests sent
	count      int                            // records received so far
	total      int                            // from the latest response; -1 unknown
	totalPages int                            // from the latest response; -1 unknown

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

func (s *walk) run(ctx context.Context, from Checkpoint, yield func(Response, error) bool) {
	defer s.dropAhead()
	s.seen = make(map[[sha256.Size]byte]struct{})
	s.total, s.totalPages = -1, -1
	pos := position{n: 1, index: s.p.start}
	if !from.IsZero() {
		var err error
		if pos, err = s.resume(from); err != nil {
			yield(Response{}, err)
			return
		}
		if from.Done() {
			return
		}
	}
	req, err := s.request(ctx, pos)
	if err != nil {
		yield(Response{}, fmt.Errorf("paginate: page %d: %w", pos.n, err))
		return
	}
	s.seen[fingerprint(req)] = struct{}{}
	for {
		resp, used, err := s.fetchPage(ctx, pos, req)
		if err != nil {
			yield(Response{}, pageError(pos.n, used, err))
			return
		}
		next, nreq, done, err := s.next(ctx, used, pos, &resp)
		if errors.Is(err, errRepeatedPage) {
			// Its records were delivered already: fail without them.
			yield(Response{}, err)
			return
		}
		switch {
		case err != nil:
			// Resume at this page: without its records in the count.
			resp.Next = s.checkpoint(pos)
			resp.Next.count -= len(resp.Records)
		case done:
			resp.Next = s.doneCheckpoint(pos)
		default:
			resp.Next = s.checkpoint(next)
			s.fillAhead(ctx, next)
		}
		if !yield(resp, nil) {
			return
		}
		if err != nil {
			yield(Response{}, err)
			return
		}
		if done {
			return
		}
		pos, req = next, nreq
	}
}

// fetchPage returns the response for pos, whose request is req: a
// prefetched one when the walk is on the predicted path, else a fresh
// fetch. It also returns the request actually sent.
func (s *walk) fetchPage(ctx context.Context, pos position, req *http.Request) (Response, *http.Request, error) {
	var f *future
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
	if err := ctx.Err(); err != nil {
		return Response{}, req, err
	}
	if pos.n > s.p.maxPages {
		return Response{}, req, fmt.Errorf("%w (%d)", ErrTooManyPages, s.p.maxPages)
	}
	var (
		resp Response
		err  error
	)
	if f != nil {
		<-f.done
		resp, err = f.resp, f.err
	} else {
		resp, err = s.fetch(ctx, req)
	}
	if err == nil && resp.URL == nil {
		resp.URL = req.URL
	}
	return resp, req, err
}

// request builds the request for pos.
func (s *walk) request(ctx context.Context, pos position) (*http.Request, error) {
	p, first := s.p, s.first
	u := pos.url
	later := pos.n > 1 // next_request_url and next_request_body apply
	switch {
	case u != nil:
	case later && p.contURL != nil:
		u = first.URL.ResolveReference(p.contURL)
	default:
		u = cloneURL(first.URL)
	}
	if later && p.contBody != nil {
		return newRequest(ctx, first, u, withCursor(p.contBody, pos.cursor))
	}
	body := cloneBody(first.Body)
	var err error
	set := func(field string, v any) {
		if field == "" || err != nil {
			return
		}
		if p.inPath && field == p.page {
			setPathPage(u, v.(int))
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
	p.def.strategy.build(p, pos, set)
	if err != nil {
		return nil, err
	}
	return newRequest(ctx, first, u, body)
}

// newRequest returns a request like first's, to u, with body as its JSON
// body.
func newRequest(ctx context.Context, first *Request, u *url.URL, body map[string]any) (*http.Request, error) {
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
// unless the walk is done returns the position of the following page and
// its request, checked against the requests already sent. Its errors are
// final: a [*PageError], or for a next request that cannot be built, an
// error naming the next page.
func (s *walk) next(ctx context.Context, req *http.Request, pos position, resp *Response) (next position, nreq *http.Request, done bool, err error) {
	if done, err = s.stop(ctx, pos, resp); done || err != nil {
		return next, nil, true, wrapPage(pos.n, req, err)
	}
	next, done, err = s.p.def.strategy.advance(ctx, s, req, pos, resp)
	if done || err != nil {
		return next, nil, true, wrapPage(pos.n, req, err)
	}
	if nreq, err = s.request(ctx, next); err != nil {
		return next, nil, true, fmt.Errorf("paginate: page %d: %w", next.n, err)
	}
	key := fingerprint(nreq)
	if _, dup := s.seen[key]; dup {
		switch {
		case s.p.fromLast:
			// The ids only grow along a last-id walk: a last id seen
			// before means this page repeats an earlier one.
			err = errRepeatedPage
		case next.url != nil:
			err = fmt.Errorf("%w: %s", ErrCursorLoop, clip(redactURL(next.url)))
		default:
			err = ErrCursorLoop
		}
		return next, nil, true, pageError(pos.n, req, err)
	}
	s.seen[key] = struct{}{}
	return next, nreq, false, nil
}

func wrapPage(n int, req *http.Request, err error) error {
	if err == nil {
		return nil
	}
	return pageError(n, req, err)
}

// stop applies the stop rules that do not depend on the type to resp, the
// response at pos: no records, has_more false, last_page true, the total
// reached, or a
// short page (for the types where it ends the walk) when the response
// tells neither a total nor a has-more flag.
func (s *walk) stop(ctx context.Context, pos position, resp *Response) (bool, error) {
	p := s.p
	recs := len(resp.Records)
	if recs == 0 {
		return true, nil
	}
	s.count += recs
	more, known, err := readFlag(ctx, "has_more_path", p.hasMore, resp)
	if err != nil || (known && !more) {
		return true, err
	}
	last, lastKnown, err := readFlag(ctx, "last_page_path", p.lastPage, resp)
	if err != nil || last {
		return true, err
	}
	known = known || lastKnown
	if s.total, err = readCount(ctx, "total_path", p.total, resp); err != nil {
		return true, err
	}
	if s.totalPages, err = readCount(ctx, "total_pages_path", p.totalPages, resp); err != nil {
		return true, err
	}
	known = known || s.total >= 0 || s.totalPages >= 0
	if (s.total >= 0 && s.count >= s.total) || (s.totalPages >= 0 && pos.n >= s.totalPages) {
		return true, nil
	}
	short := p.size > 0 && recs < p.size && p.def.strategy.shortPageEnds(p)
	return !known && short, nil
}

// readFlag reads the has-more flag at src; known is false when absent.
func readFlag(ctx context.Context, key string, src source, resp *Response) (more, known bool, err error) {
	v, ok, err := src.get(ctx, resp)
	if err != nil {
		return false, false, fmt.Errorf("%s: %w", key, err)
	}
	if !ok || v == nil {
		return false, false, nil
	}
	if more, err = toBool(v); err != nil {
		return false, false, fmt.Errorf("%s: %w", key, err)
	}
	return more, true, nil
}

// readCount reads a count at src: -1 when absent or negative (some APIs
// say -1 for "not counted").
func readCount(ctx context.Context, key string, src source, resp *Response) (int, error) {
	v, ok, err := src.get(ctx, resp)
	if err != nil {
		return -1, fmt.Errorf("%s: %w", key, err)
	}
	if !ok || v == nil {
		return -1, nil
	}
	n, err := toInt(v)
	if err != nil {
		return -1, fmt.Errorf("%s: %w", key, err)
	}
	return max(n, -1), nil
}

// fillAhead requests, concurrently, the pages after next that the latest
// total says exist, keeping up to s.prefetch requests in flight.
func (s *walk) fillAhead(ctx context.Context, next position) {
	p := s.p
	step := p.def.strategy.step(p)
	if s.prefetch < 2 || step == 0 {
		return
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
