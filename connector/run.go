package connector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/activity"
	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/internal/redact"
	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/paginate"
)

// maxRecordErrors caps Report.RecordErrors; the rest are counted in a final
// error.
const maxRecordErrors = 1000

// errStop ends a walk because the consumer stopped.
var errStop = errors.New("stopped by the consumer")

// walkState is what one walk counts.
type walkState struct {
	stats      transport.Stats
	pages      int
	seen, kept int
	filtered   int
	recordErrs []error
	dropped    int // record errors beyond maxRecordErrors
	summary    activity.Summary
	joinPages  int       // pages of the join listings (join.go), in Report.Pages
	enrich     enrichRun // enrichment counts and caches (enrich.go)
	eachPages  int       // pages of each's parent listing (each.go), in Report.Pages
	eachValue  string
	eachLast   bool                // walking the last value
	eachSeen   map[string]struct{} // identities delivered, with each
	walkResume                     // checkpoints (checkpoint.go)
}

func (s *walkState) recordError(r *transport.Redactor, page, rec int, err error) {
	if len(s.recordErrs) < maxRecordErrors {
		msg := r.String(fmt.Sprintf("page %d, record %d: %v", page, rec, err))
		s.recordErrs = append(s.recordErrs, &runError{msg: msg, err: redactChain(r, err)})
		return
	}
	s.dropped++
}

func (s *walkState) allRecordErrors() []error {
	if s.dropped == 0 {
		return s.recordErrs
	}
	return append(s.recordErrs[:len(s.recordErrs):len(s.recordErrs)], fmt.Errorf("and %d more records could not be mapped", s.dropped))
}

// Users returns an iterator over the vendor's users, in the vendor's order.
// Records the filters reject are skipped; records that cannot be mapped are
// skipped too and reported at the end.
//
// The iterator yields at most one error, last, with a zero User: the error
// that stopped the walk (wrapping *HTTPError, ErrCursorLoop, ctx's error,
// ...), or, after every user was yielded, an error listing the records that
// could not be mapped. Breaking out of the loop stops the walk with no
// further request. It is reusable: each range walks the listing again. Users
// are not retained: memory stays flat in the number of users.
func (c *Connector) Users(ctx context.Context) iter.Seq2[saasconnect.User, error] {
	return c.UsersFrom(ctx, Checkpoint{})
}

// recordErrors summarises the walk's record errors in one error: its message
// names the count and the first few, errors.Is and errors.As see them all.
func (c *Connector) recordErrors(st *walkState) error {
	errs := st.allRecordErrors()
	n := len(st.recordErrs) + st.dropped
	var b strings.Builder
	fmt.Fprintf(&b, "connector %q: %d of %d records could not be mapped", c.name, n, st.seen)
	for i, e := range errs {
		if i == 3 {
			fmt.Fprintf(&b, "; ... (%d more, see Report.RecordErrors)", n-3)
			break
		}
		b.WriteString("; ")
		b.WriteString(e.Error())
	}
	return &joinedError{msg: b.String(), errs: errs}
}

// joinedError is several errors under one (redacted) message.
type joinedError struct {
	msg  string
	errs []error
}

func (e *joinedError) Error() string   { return e.msg }
func (e *joinedError) Unwrap() []error { return e.errs }

// Run walks the listing, calls each for every user, and returns the run's
// Report. each is called sequentially from the calling goroutine; an error
// from each stops the run.
//
// The returned error is nil only when Report.Status is Succeeded: the whole
// listing was walked and every record was mapped. Otherwise Status is
// Partial (some users were delivered before the failure, or some records
// could not be mapped and were skipped: see Report.RecordErrors), Failed
// (nothing was delivered) or Cancelled (ctx ended the run), and the error
// says why. A run that stopped early is never Succeeded.
func (c *Connector) Run(ctx context.Context, each func(saasconnect.User) error) (Report, error) {
	return c.RunFrom(ctx, Checkpoint{}, each)
}

// RunFrom is [Connector.Run] starting after the page at which from was
// taken (see [Connector.Pages] for the checks on from; a refused from
// gives a Failed Report). Report.Checkpoint is where the next segment of
// the run starts; [Report.Merge] adds up the segments' Reports.
func (c *Connector) RunFrom(ctx context.Context, from Checkpoint, each func(saasconnect.User) error) (Report, error) {
	rep := Report{Connector: c.name, Resource: ResourceUsers, Started: c.opts.now()}
	var st walkState
	st.from = from
	var eachErr error
	err := c.walk(ctx, &st, func(u saasconnect.User) bool {
		if eachErr = each(u); eachErr != nil {
			return false
		}
		if u.Status != "" {
			if rep.Statuses == nil {
				rep.Statuses = make(map[saasconnect.Status]int)
			}
			rep.Statuses[u.Status]++
		}
		return true
	})
	if eachErr != nil {
		err = c.wrap(fmt.Errorf("stopped by the caller after %d users: %w", st.kept, eachErr))
	}
	runErr := c.finish(ctx, &rep, &st, err)
	if rep.Walked {
		st.finishResume()
	}
	rep.Checkpoint = st.at
	return rep, runErr
}

// finish completes rep from the walk's counts and error err (nil when the
// listing was walked), sets its Status, logs it, and returns the run's
// error (nil only when Succeeded).
func (c *Connector) finish(ctx context.Context, rep *Report, st *walkState, err error) error {
	rep.Walked = err == nil
	snap := st.stats.Snapshot()
	rep.Finished = c.opts.now()
	rep.Requests, rep.Retries, rep.Pages = snap.Requests, snap.Retries, st.pages+st.joinPages+st.eachPages
	rep.Seen, rep.Kept, rep.Filtered = st.seen, st.kept, st.filtered
	rep.RecordErrors = st.allRecordErrors()
	rep.Activity = st.summary
	rep.Enriched, rep.EnrichConcurrency = st.enrich.enriched, st.enrich.maxIn
	switch {
	case err == nil && len(rep.RecordErrors) == 0:
		rep.Status = Succeeded
	case err == nil:
		rep.Status = Partial
		err = c.recordErrors(st)
	case ctx.Err() != nil:
		rep.Status = Cancelled
	case st.kept > 0 || len(rep.RecordErrors) > 0:
		rep.Status = Partial
	default:
		rep.Status = Failed
	}
	if err != nil {
		rep.Err = err.Error() // already redacted by wrap
	}
	c.logRun(ctx, *rep)
	return err
}

// walk runs the pipeline: pages -> filters -> mapping -> activity -> emit.
// It returns errStop when emit returned false, the (redacted, wrapped) walk
// error, or nil.
func (c *Connector) walk(ctx context.Context, st *walkState, emit func(saasconnect.User) bool) error {
	ctx = transport.WithStats(ctx, &st.stats)
	if err := c.beginResume(st); err != nil {
		return err
	}
	tables, err := c.loadJoins(ctx, c.joins, st)
	if err != nil {
		return c.wrap(err)
	}
	for resp, err := range c.usersPages(ctx, st) { // each.go
		if err != nil {
			return c.wrap(err)
		}
		st.pages++
		if err := c.enrichPage(ctx, c.enrich, c.pred, st, st.from.pages+st.pages, resp.Records); err != nil {
			return c.wrap(err)
		}
		raw := resp.Raw // set when WithRawRecords
		for i, rec := range resp.Records {
			if err := ctx.Err(); err != nil {
				return c.wrap(fmt.Errorf("page %d: %w", st.from.pages+st.pages, err))
			}
			st.seen++
			mergeJoins(rec, tables)
			if c.each != nil {
				st.eachMerge(rec)
			}
			if c.pred != nil && !c.pred.Match(rec) {
				st.filtered++
				continue
			}
			u, err := c.mapper.Map(rec)
			if err != nil {
				st.recordError(c.redact, st.from.pages+st.pages, i, err)
				continue
			}
			if st.eachDup(u.Key()) {
				continue
			}
			u.Activity = c.classifier.Classify(u.LastActivity, c.reported)
			u.Application = c.application
			u.Connector = c.name
			if i < len(raw) {
				u.Raw = raw[i]
			}
			if !emit(u) {
				return errStop
			}
			st.summary.Add(u)
			st.kept++
		}
		c.progress(ResourceUsers, st)
		if !c.pageDone(st, resp) {
			return errStop
		}
	}
	return nil
}

// fetchWith is fetch (the walker's paginate.FetchPage) with the page
// decoder pages: it sends one page request through the stack, turns non-2xx
// statuses into *HTTPError, and decodes the body. It is safe for concurrent
// use (prefetch).
//
// A page whose body fails mid-read (a connection reset, the per-request
// timeout) is fetched again, as the transport retries a failed round trip:
// up to the policy's MaxAttempts in all, with its backoff, counted in the
// report's Retries. A body that ends cleanly but holds truncated or invalid
// JSON is not retried: the server sent it as complete.
func (c *Connector) fetchWith(ctx context.Context, req *http.Request, pages *pageDecoder) (paginate.Response, error) {
	for attempt := 1; ; attempt++ {
		page, err := c.fetchOnce(ctx, req, pages)
		var be *bodyReadError
		if err == nil || !errors.As(err, &be) || ctx.Err() != nil || attempt >= c.policy.MaxAttempts || (req.Body != nil && req.GetBody == nil) {
			return page, err
		}
		wait := c.policy.Backoff(attempt, nil)
		c.opts.logger.WarnContext(ctx, "retrying a page whose body failed mid-read",
			"method", req.Method, "url", c.redact.URL(req.URL), "attempt", attempt, "wait", wait, "error", c.redact.String(be.Error()))
		transport.StatsFrom(ctx).Retried(wait)
		if transport.Sleep(ctx, wait) != nil {
			return page, err
		}
		next := req.Clone(ctx)
		if req.GetBody != nil {
			if next.Body, err = req.GetBody(); err != nil {
				return page, err
			}
		}
		req = next
	}
}

// fetchOnce sends one page request and decodes its body.
func (c *Connector) fetchOnce(ctx context.Context, req *http.Request, pages *pageDecoder) (paginate.Response, error) {
	resp, err := c.clientFor(req.URL).Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = c.redact.RawURL(ue.URL)
		}
		return paginate.Response{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return paginate.Response{}, c.httpError(req, resp)
	}
	page, err := pages.decode(resp.Body, c.opts.maxBody, c.opts.raw)
	if page.Body != nil {
		if serr := checkSuccess(ctx, resp.Header, page.Body, pages.success, pages.errMessage); serr != nil {
			return paginate.Response{}, serr
		}
	}
	if err != nil {
		return paginate.Response{}, err
	}
	return paginate.Response{URL: req.URL, StatusCode: resp.StatusCode, Header: resp.Header, Body: page.Body, Records: page.Records, Raw: page.Raw}, nil
}

// maxErrorBody caps HTTPError.Body: the SDK-wide cap on quoted bodies.
const maxErrorBody = redact.MaxBody

// httpError builds the *HTTPError for a non-2xx response.
func (c *Connector) httpError(req *http.Request, resp *http.Response) *HTTPError {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &HTTPError{
		Method:     req.Method,
		URL:        c.redact.URL(req.URL),
		StatusCode: resp.StatusCode,
		Body:       []byte(c.redact.Body(b)),
	}
	throttled := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable || c.tmplRetryOn(resp.StatusCode)
	if resp.StatusCode == http.StatusForbidden && c.policy.Throttled(resp.StatusCode, resp.Header) {
		throttled, e.RateLimited = true, true
	}
	if throttled {
		if d, ok := transport.ThrottleWait(resp.Header, time.Now()); ok {
			e.RetryAfter = d
		}
	}
	return e
}

func (c *Connector) tmplRetryOn(status int) bool { return slices.Contains(c.retryOn, status) }

// runError is an error whose message has been redacted; it keeps the chain
// for errors.Is and errors.As. unauthorized makes it match ErrUnauthorized
// too: the token or login request was refused (auth.ErrInvalidCredentials).
type runError struct {
	msg          string
	err          error
	unauthorized bool
}

func (e *runError) Error() string { return e.msg }
func (e *runError) Unwrap() error { return e.err }

// Is matches ErrUnauthorized when the token or login endpoint refused the
// credentials; the chain (auth.ErrInvalidCredentials, *auth.TokenError, ...)
// is still matched through Unwrap.
func (e *runError) Is(target error) bool { return target == ErrUnauthorized && e.unauthorized }

// wrap prefixes err with the connector name, tidies paginate's page errors
// and redacts every secret value from the message.
func (c *Connector) wrap(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var pe *paginate.PageError
	var he *HTTPError
	if errors.As(err, &pe) && errors.As(pe.Err, &he) {
		// The HTTPError names the method and URL already.
		msg = fmt.Sprintf("page %d: %s", pe.Page, he.Error())
	} else if pe != nil {
		msg = strings.TrimPrefix(msg, "paginate: ")
	}
	if je := (*joinError)(nil); pe != nil && errors.As(err, &je) {
		msg = fmt.Sprintf("join %q: %s", je.name, msg) // join.go
	}
	if ee := (*eachError)(nil); pe != nil && errors.As(err, &ee) {
		msg = ee.prefix(msg) // each.go
	}
	return &runError{
		msg:          c.redact.String(fmt.Sprintf("connector %q: %s", c.name, msg)),
		err:          redactChain(c.redact, err),
		unauthorized: errors.Is(err, auth.ErrInvalidCredentials),
	}
}
