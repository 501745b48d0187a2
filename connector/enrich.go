package connector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"

	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/transport"
)

// EnrichSpec is one entry of a listing's enrich list: a request per
// record whose response adds fields to the record, read before mapping
// (GitHub's org members carry no email; /users/{login} does).
//
// URL may hold {setting} placeholders and {record.<path>} placeholders,
// filled from the raw record with the URL placement rules of users_url (in
// the path url.PathEscape'd, in the query url.QueryEscape'd). A record whose
// value is missing, null, empty or not a string, number or boolean is not
// enriched by this entry (no request, no error). The URL must be on the
// listing's origin: credentials are sent to one origin only.
//
// The response (the body itself, or the object RecordsPath selects in it)
// is read with Fields, keys to paths, and merged into the record at
// "_enrich.<name>.<key>", where response.fields and fallback_fields read it
// ("_enrich.profile.email"). Absent paths are not merged.
type EnrichSpec struct {
	// Name names the entry; its fields go under "_enrich.<name>".
	Name string `json:"name"`
	// URL is the sub-request's URL (GET).
	URL string `json:"url"`
	// When, a condition with the filters' syntax read on the raw record,
	// limits the entry to the records it holds for ({"field": "email",
	// "operator": "not_exists"}); unset enriches every record.
	When filter.Condition `json:"when,omitzero"`
	// RecordsPath selects the object in the response; empty is the body.
	RecordsPath string `json:"records_path,omitempty"`
	// Fields maps keys to paths in the selected object.
	Fields map[string]string `json:"fields"`
	// Concurrency bounds the entry's requests in flight for one page:
	// 1 to MaxEnrichConcurrency, 0 for DefaultEnrichConcurrency.
	Concurrency int `json:"concurrency,omitempty"`
	// OnError is "fail" (the default: a failed sub-request fails the run)
	// or "skip" (the record is kept unenriched and a record error names the
	// page, the record and the redacted URL).
	OnError string `json:"on_error,omitempty"`
}

// The bounds of EnrichSpec.Concurrency, and the number of distinct URLs
// whose result a run keeps per entry to deduplicate requests.
const (
	DefaultEnrichConcurrency = 4
	MaxEnrichConcurrency     = 16
	enrichCacheSize          = 1024
)

// The values of EnrichSpec.OnError.
const (
	EnrichFail = "fail"
	EnrichSkip = "skip"
)

// enrichKey is the record key under which enrichments are merged.
const enrichKey = "_enrich"

// recordPrefix starts a placeholder filled from the record.
const recordPrefix = "record."

// enricher is a compiled EnrichSpec. It is immutable.
type enricher struct {
	name        string
	url         string // settings filled, {record.*} kept
	recPaths    map[string]*jsonpath.Path
	when        filter.Predicate // nil: every record
	records     *jsonpath.Path
	fields      []enrichField
	concurrency int
	skip        bool
}

type enrichField struct {
	key  string
	path *jsonpath.Path
}

// recordPlaceholders returns the {record.<path>} paths of a URL template.
func recordPlaceholders(tmpl string) []string {
	var out []string
	for _, n := range placeholders(tmpl) {
		if p, ok := strings.CutPrefix(n, recordPrefix); ok {
			out = append(out, p)
		}
	}
	return out
}

// enrichPaths returns the record paths the entries read: their
// {record.*} placeholders and when conditions.
func enrichPaths(specs []EnrichSpec) []string {
	var out []string
	for _, s := range specs {
		out = append(out, recordPlaceholders(s.URL)...)
		out = append(out, filter.RecordPaths(s.When)...)
	}
	return out
}

// compileEnrich compiles a listing's enrich entries; at prefixes error
// paths ("licenses."), origin is the listing's origin.
func compileEnrich(at string, specs []EnrichSpec, vals map[string]string, origin string, r *transport.Redactor) ([]*enricher, error) {
	var out []*enricher
	for i, s := range specs {
		loc := fmt.Sprintf("%senrich[%d]", at, i)
		e := &enricher{name: s.Name, concurrency: s.Concurrency, skip: s.OnError == EnrichSkip, recPaths: map[string]*jsonpath.Path{}}
		if e.concurrency == 0 {
			e.concurrency = DefaultEnrichConcurrency
		}
		filled, err := fillURL(s.URL, func(name string) (string, bool) {
			if strings.HasPrefix(name, recordPrefix) {
				return "", false
			}
			return vals[name], true
		})
		if err != nil {
			return nil, fmt.Errorf("%s.url: %w", loc, err)
		}
		e.url = filled
		u, err := e.build(map[string]any{}, true)
		if err != nil {
			return nil, fmt.Errorf("%s.url: %w", loc, err)
		}
		if err := transport.CheckURL(u); err != nil {
			return nil, fmt.Errorf("%s.url: %w", loc, err)
		}
		if o := transport.Origin(u); o != origin {
			return nil, fmt.Errorf("%s.url: on %s, not on the listing's origin %s (credentials are sent to one origin only)", loc, r.String(o), r.String(origin))
		}
		for _, p := range recordPlaceholders(s.URL) {
			if e.recPaths[p], err = jsonpath.Compile(p); err != nil {
				return nil, fmt.Errorf("%s.url: {record.%s}: %w", loc, p, err)
			}
		}
		if !reflect.ValueOf(s.When).IsZero() {
			if e.when, err = filter.Compile(s.When); err != nil {
				return nil, fmt.Errorf("%s.when: %w", loc, err)
			}
		}
		if e.records, err = jsonpath.Compile(s.RecordsPath); err != nil {
			return nil, fmt.Errorf("%s.records_path: %w", loc, err)
		}
		for _, k := range sortedKeys(s.Fields) {
			p, err := jsonpath.Compile(s.Fields[k])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", joinPath(loc+".fields", k), err)
			}
			e.fields = append(e.fields, enrichField{key: k, path: p})
		}
		out = append(out, e)
	}
	return out, nil
}

// errNoValue: a {record.*} placeholder has no usable value in the record.
var errNoValue = errors.New("no value")

// build fills the {record.*} placeholders of e's URL from rec; sample
// fills every one with "x" (the origin check).
func (e *enricher) build(rec map[string]any, sample bool) (*url.URL, error) {
	missing := false
	out, err := fillURL(e.url, func(name string) (string, bool) {
		p, ok := strings.CutPrefix(name, recordPrefix)
		if !ok {
			return "", false
		}
		if sample {
			return "x", true
		}
		v, ok := scalarString(e.recPaths[p], rec)
		if !ok {
			missing = true
		}
		return v, true
	})
	if missing {
		return nil, errNoValue
	}
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(out)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, err
	}
	return u, nil
}

// scalarString reads p in rec as a non-empty string, number or boolean.
func scalarString(p *jsonpath.Path, rec map[string]any) (string, bool) {
	if p == nil {
		return "", false
	}
	v, ok := p.Get(rec)
	if !ok {
		return "", false
	}
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case json.Number:
		s = v.String()
	case bool, float64:
		s = fmt.Sprint(v)
	}
	return s, s != ""
}

// enrichRun is what one walk keeps of its enrichments: the per-entry
// caches of results by URL, the count of records enriched and the most
// requests seen in flight at once.
type enrichRun struct {
	caches   []*enrichCache
	enriched int

	mu       sync.Mutex
	inFlight int
	maxIn    int
}

func (r *enrichRun) start() {
	r.mu.Lock()
	r.inFlight++
	r.maxIn = max(r.maxIn, r.inFlight)
	r.mu.Unlock()
}

func (r *enrichRun) end() {
	r.mu.Lock()
	r.inFlight--
	r.mu.Unlock()
}

// enrichCache deduplicates one entry's requests within a run: a URL
// already asked for (or in flight) is not asked again. It keeps the last
// enrichCacheSize URLs, evicting the oldest.
type enrichCache struct {
	mu    sync.Mutex
	m     map[string]*enrichResult
	order []string
}

type enrichResult struct {
	done   chan struct{}
	fields map[string]any
	err    error
}

// get returns the result for key and whether the caller must fetch it
// (then it closes done after setting fields or err).
func (c *enrichCache) get(key string) (*enrichResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.m[key]; ok {
		return r, false
	}
	if c.m == nil {
		c.m = map[string]*enrichResult{}
	}
	if len(c.order) >= enrichCacheSize {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	r := &enrichResult{done: make(chan struct{})}
	c.m[key] = r
	c.order = append(c.order, key)
	return r, true
}

// enrichError is a failed sub-request of record rec on page.
type enrichError struct {
	page, rec int
	err       error
}

func (e *enrichError) Error() string {
	return fmt.Sprintf("page %d, record %d: %v", e.page, e.rec, e.err)
}
func (e *enrichError) Unwrap() error { return e.err }

// enrichPage runs the entries, in order, on a page's records (those pred
// keeps): each entry's requests for the page run concurrently, at most its
// concurrency at once, through the connector's HTTP stack (auth, the
// shared rate limiter, retries; counted in the walk's Requests), and the
// results are merged into the records, whose order is kept. A failed
// request of an "on_error": "skip" entry is a record error in st; of a
// "fail" entry, the returned error (the first record's, in page order).
func (c *Connector) enrichPage(ctx context.Context, encs []*enricher, pred filter.Predicate, st *walkState, page int, recs []any) error {
	if len(encs) == 0 {
		return nil
	}
	run := &st.enrich
	if run.caches == nil {
		for range encs {
			run.caches = append(run.caches, &enrichCache{})
		}
	}
	enriched := make([]bool, len(recs))
	for k, e := range encs {
		results := make([]*enrichResult, len(recs))
		urls := make([]*url.URL, len(recs))
		sem := make(chan struct{}, e.concurrency)
		var wg sync.WaitGroup
		for i, raw := range recs {
			rec, ok := raw.(map[string]any)
			if !ok || (pred != nil && !pred.Match(raw)) || (e.when != nil && !e.when.Match(raw)) {
				continue
			}
			u, err := e.build(rec, false)
			if errors.Is(err, errNoValue) {
				continue
			}
			if err != nil {
				results[i] = &enrichResult{err: fmt.Errorf("enrich %q: url: %w", e.name, err)}
				continue
			}
			urls[i] = u
			r, fetch := run.caches[k].get(u.String())
			results[i] = r
			if !fetch {
				continue
			}
			wg.Go(func() {
				defer close(r.done)
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					r.err = ctx.Err()
					return
				}
				defer func() { <-sem }()
				run.start()
				defer run.end()
				r.fields, r.err = c.enrichOne(ctx, e, u)
			})
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("page %d: %w", page, err)
		}
		var failed error
		for i, r := range results {
			if r == nil {
				continue
			}
			if r.done != nil {
				<-r.done // deduplicated against an earlier page's request: done already
			}
			if r.err != nil {
				err := r.err
				var he *HTTPError
				if errors.As(err, &he) { // it names the method and the URL
					err = fmt.Errorf("enrich %q: %w", e.name, err)
				} else if urls[i] != nil {
					err = fmt.Errorf("enrich %q: GET %s: %w", e.name, c.redact.URL(urls[i]), r.err)
				}
				if e.skip {
					st.recordError(c.redact, page, i, err)
				} else if failed == nil {
					failed = &enrichError{page: page, rec: i, err: err}
				}
				continue
			}
			rec := recs[i].(map[string]any)
			all, _ := rec[enrichKey].(map[string]any)
			if all == nil {
				all = map[string]any{}
				rec[enrichKey] = all
			}
			all[e.name] = cloneObject(r.fields) // records own their values
			enriched[i] = true
		}
		if failed != nil {
			return failed
		}
	}
	for _, ok := range enriched {
		if ok {
			run.enriched++
		}
	}
	return nil
}

// enrichOne sends one sub-request and reads e's fields in its response.
func (c *Connector) enrichOne(ctx context.Context, e *enricher, u *url.URL) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "saasconnect")
	resp, err := c.clientFor(req.URL).Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, ue.Err // the message would repeat the URL
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.httpError(req, resp)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.maxBody+1))
	if err != nil {
		return nil, &bodyReadError{err: err}
	}
	if int64(len(data)) > c.opts.maxBody {
		return nil, fmt.Errorf("response body larger than %d bytes", c.opts.maxBody)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, decodeError(data, err)
	}
	obj, ok := e.records.Get(doc)
	if !ok {
		return nil, fmt.Errorf("records_path: nothing at %q", e.records.String())
	}
	out := map[string]any{}
	for _, f := range e.fields {
		if v, ok := f.path.Get(obj); ok && v != nil {
			out[f.key] = v
		}
	}
	return out, nil
}

// enrich checks a listing's enrich entries, located under at
// ("licenses."); listingURL is the listing's first URL template, whose
// origin each entry's URL must share.
func (v *validator) enrich(at string, specs []EnrichSpec, listingURL string) {
	if len(specs) > 0 && v.t.isLDAP() && at == "" {
		v.add("enrich", "an ldap source has no HTTP listing to enrich")
		return
	}
	known := map[string]bool{}
	for _, s := range v.t.Settings() {
		known[s.Name] = true
	}
	names := map[string]bool{}
	for i, s := range specs {
		loc := fmt.Sprintf("%senrich[%d]", at, i)
		switch {
		case s.Name == "":
			v.add(loc+".name", "missing: name the entry (its fields are merged at _enrich.<name>)")
		case strings.Trim(s.Name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "":
			v.add(loc+".name", "%q: use letters, digits, _ and - (the name is a key of _enrich)", s.Name)
		case names[s.Name]:
			v.add(loc+".name", "duplicate name %q", s.Name)
		}
		names[s.Name] = true
		if strings.TrimSpace(s.URL) == "" {
			v.add(loc+".url", "missing: the URL of the request per record is required")
		} else {
			v.url(loc+".url", s.URL)
			for _, n := range placeholders(s.URL) {
				p, rec := strings.CutPrefix(n, recordPrefix)
				switch {
				case rec && p == "":
					v.add(loc+".url", "placeholder {record.} names no record path")
				case rec:
					if _, err := jsonpath.Compile(p); err != nil {
						v.add(loc+".url", "placeholder {record.%s}: %v", p, err)
					}
				case !known[n]:
					v.add(loc+".url", "placeholder {%s} names no declared or auth-implied setting (record values are {record.<path>})", n)
				}
			}
			if len(recordPlaceholders(s.URL)) == 0 {
				v.add(loc+".url", "no {record.<path>} placeholder: every record would request the same URL")
			}
			if o, lo := sampleOrigin(s.URL), sampleOrigin(listingURL); o != "" && lo != "" && o != lo {
				v.add(loc+".url", "not on the listing's origin (credentials are sent to one origin only): start it as the listing's URL does")
			}
		}
		if !reflect.ValueOf(s.When).IsZero() {
			if _, err := filter.Compile(s.When); err != nil {
				v.addErr(loc+".when", err)
			}
		}
		if _, err := jsonpath.Compile(s.RecordsPath); err != nil {
			v.addErr(loc+".records_path", err)
		}
		if len(s.Fields) == 0 {
			v.add(loc+".fields", "missing: map at least one key to a path in the response")
		}
		for _, k := range sortedKeys(s.Fields) {
			if _, err := jsonpath.Compile(s.Fields[k]); err != nil {
				v.addErr(joinPath(loc+".fields", k), err)
			}
		}
		if s.Concurrency < 0 || s.Concurrency > MaxEnrichConcurrency {
			v.add(loc+".concurrency", "%d is out of range: 1 to %d (0 or unset: %d)", s.Concurrency, MaxEnrichConcurrency, DefaultEnrichConcurrency)
		}
		if s.OnError != "" && s.OnError != EnrichFail && s.OnError != EnrichSkip {
			v.add(loc+".on_error", "unknown policy %q (want fail or skip)", s.OnError)
		}
	}
}

// sampleOrigin is the origin of a URL template with its placeholders
// filled by name (a leading or host placeholder stands for its own host),
// so that two templates are on one origin when they start alike; "" when
// it does not parse.
func sampleOrigin(tmpl string) string {
	host := func(n string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			if r >= 'A' && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return '-'
		}, n)
	}
	parts := placeholderParts(tmpl)
	i := 0
	out := placeholderRE.ReplaceAllStringFunc(tmpl, func(m string) string {
		name, part := m[1:len(m)-1], parts[i]
		i++
		switch part {
		case partLeading:
			return "https://" + host(name) + ".placeholder.invalid"
		case partHost:
			return host(name)
		}
		return "x"
	})
	u, err := url.Parse(out)
	if err != nil || u.Host == "" {
		return ""
	}
	return transport.Origin(u)
}
