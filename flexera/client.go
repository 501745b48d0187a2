package flexera

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/internal/transport"
)

// Client talks to the Flexera One SaaS Management API of one region (or of
// the hosts Config overrides). Org ids are passed per call, so one Client
// serves several orgs that share credentials.
//
// A Client is safe for concurrent use by multiple goroutines. Every method
// honours ctx (waits for retries and polls included). Errors are
// *APIError for non-success responses (errors.Is matches ErrNotFound,
// ErrAlreadyUploaded, ErrRateLimited, ...), *TokenError for login
// failures, ErrNoCredentials when the Config has none; each names the
// method and the redacted URL, never a credential.
type Client struct {
	cfg    Config
	api    *url.URL
	hc     *http.Client // as given; the token source sends through it
	client *http.Client // hc's transport in the shared stack, for API calls
	ts     TokenSource
	log    *slog.Logger
	now    func() time.Time
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends every request (API and token) through hc's Transport,
// with its Jar; its Timeout bounds each attempt. Its CheckRedirect is not
// used: token requests follow no redirect, API requests same-origin ones.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithLogger logs each request at debug level (method, redacted URL,
// status, duration), retries at warn level and job progress at info level.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithClock sets the clock used for activatedAt/deactivatedAt stamps,
// file names and reports (default time.Now). Retry and poll waits always
// use real timers.
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// WithTokenSource replaces the token source built from the Config's
// credentials.
func WithTokenSource(ts TokenSource) Option { return func(c *Client) { c.ts = ts } }

// New returns a Client for cfg. It checks cfg (Config.Validate) but sends
// nothing: a missing credential surfaces as ErrNoCredentials on the first
// API call, so a dry run needs none.
func New(cfg Config, opts ...Option) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	api, err := parseBase(cfg.APIBaseURL())
	if err != nil {
		return nil, fmt.Errorf("flexera: API URL: %w", err)
	}
	api.Path = ""
	c := &Client{cfg: cfg, api: api, hc: http.DefaultClient, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	if c.hc == nil {
		c.hc = http.DefaultClient
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.ts == nil {
		var ots *OIDCTokenSource
		switch {
		case cfg.RefreshToken != "":
			ots = NewRefreshTokenSource(cfg.TokenURL(), cfg.RefreshToken, c.hc)
		case cfg.ClientID != "" && cfg.ClientSecret != "":
			ots = NewClientCredentialsSource(cfg.TokenURL(), cfg.ClientID, cfg.ClientSecret, c.hc)
		}
		if ots != nil {
			ots.maxAttempts, ots.maxWait, ots.log = cfg.MaxAttempts, cfg.MaxRetryWait, c.log
			c.ts = ots
		}
	}
	origin := transport.Origin(api)
	c.client = newStack(c.hc, retryPolicy(cfg.MaxAttempts, cfg.MaxRetryWait), c.log, func(base http.RoundTripper) http.RoundTripper {
		return &auth.Transport{Auth: bearer(c.ts), Base: &transport.Observe{Base: base, Origin: origin, Logger: c.log}}
	})
	return c, nil
}

// bearer adapts ts to an auth.Authenticator sending "Authorization: Bearer
// <token>"; it is an auth.Invalidator (auth.Transport refreshes the token
// once on 401) when ts has an Invalidate method.
func bearer(ts TokenSource) auth.Authenticator {
	a := auth.AuthenticatorFunc(func(ctx context.Context, req *http.Request) error {
		tok, err := ts.Token(ctx)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok.Reveal())
		return nil
	})
	if inv, ok := ts.(interface{ Invalidate() }); ok {
		return invalidating{a, inv}
	}
	return a
}

type invalidating struct {
	auth.AuthenticatorFunc
	inv interface{ Invalidate() }
}

func (a invalidating) Invalidate() { a.inv.Invalidate() }

// Config returns the Client's configuration, defaults filled in.
func (c *Client) Config() Config { return c.cfg }

var (
	orgRe      = regexp.MustCompile(`^[1-9][0-9]{0,18}$`)
	appRe      = regexp.MustCompile(`^[0-9a-f]+$`)
	idMaxLen   = 150
	maxBodyLen = int64(32 << 20)
)

func checkOrg(org string) error {
	if !orgRe.MatchString(org) {
		return fmt.Errorf("flexera: org id %q: want a positive integer", org)
	}
	return nil
}

func checkID(kind, id string) error {
	if id == "" || len(id) > idMaxLen || strings.ContainsAny(id, "/?#") {
		return fmt.Errorf("flexera: %s id %q: want 1-%d characters without / ? #", kind, id, idMaxLen)
	}
	return nil
}

type request struct {
	method string
	path   string // absolute path, with query if any
	body   []byte
	header http.Header
	want   int // expected status
}

// do sends r through c.client: with auth, retries (see retryPolicy) and one
// token refresh on 401. On the expected status it returns the response with
// its body read (capped); anything else is an *APIError.
func (c *Client) do(ctx context.Context, r request) (*http.Response, []byte, error) {
	if c.ts == nil {
		return nil, nil, ErrNoCredentials
	}
	ref, err := url.Parse(r.path)
	if err != nil {
		return nil, nil, fmt.Errorf("flexera: bad request path %q: %w", r.path, err)
	}
	u := c.api.ResolveReference(ref)
	var reqBody io.Reader
	if r.body != nil {
		reqBody = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), reqBody)
	if err != nil {
		return nil, nil, fmt.Errorf("flexera: %s %s: %w", r.method, redactURL(u), err)
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		var te *TokenError
		switch {
		case errors.As(err, &te):
			return nil, nil, te
		case ctx.Err() != nil:
			return nil, nil, fmt.Errorf("flexera: %s %s: %w", r.method, redactURL(u), context.Cause(ctx))
		}
		return nil, nil, fmt.Errorf("flexera: %s %s: %w", r.method, redactURL(u), unwrapURLError(err))
	}
	defer drain(resp)
	if resp.StatusCode != r.want {
		return nil, nil, c.apiError(resp, r.method, u)
	}
	body, err := readCapped(resp.Body, maxBodyLen)
	if err != nil {
		return nil, nil, fmt.Errorf("flexera: %s %s: reading the response: %w", r.method, redactURL(u), err)
	}
	return resp, body, nil
}

func (c *Client) apiError(resp *http.Response, method string, u *url.URL) error {
	raw, _ := readCapped(resp.Body, 64<<10)
	e := &APIError{Method: method, URL: redactURL(u), StatusCode: resp.StatusCode}
	if resp.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter, _ = transport.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	var ge goaError
	if json.Unmarshal(raw, &ge) == nil && (ge.Name != "" || ge.Message != "") {
		e.Name, e.ID, e.Message = ge.Name, ge.ID, scrub(ge.Message, requestSecrets(c.cfg, resp)...)
		e.Temporary, e.Timeout, e.Fault = ge.Temporary, ge.Timeout, ge.Fault
	} else {
		e.Body = scrub(string(raw), requestSecrets(c.cfg, resp)...)
	}
	return e
}

func (c *Client) getJSON(ctx context.Context, p string, v any) error {
	_, body, err := c.do(ctx, request{method: http.MethodGet, path: p, want: http.StatusOK})
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("flexera: GET %s: decoding the response: %w", p, err)
	}
	return nil
}

func (c *Client) postJSON(ctx context.Context, p string, in any, want int) (*http.Response, []byte, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, nil, fmt.Errorf("flexera: POST %s: %w", p, err)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	return c.do(ctx, request{method: http.MethodPost, path: p, body: b, header: h, want: want})
}

// idFromLocation returns the last path segment of a Location header, e.g.
// "abc" from "/saas/v1/orgs/123/saas-data/abc" (relative or absolute).
func idFromLocation(loc string) (string, error) {
	if loc == "" {
		return "", errors.New("response has no Location header")
	}
	u, err := url.Parse(strings.TrimSpace(loc))
	if err != nil {
		return "", fmt.Errorf("response Location %q: %w", loc, err)
	}
	id := path.Base(strings.TrimRight(u.Path, "/"))
	if id == "" || id == "." || id == "/" {
		return "", fmt.Errorf("response Location %q has no id segment", loc)
	}
	if err := checkID("Location", id); err != nil {
		return "", err
	}
	return id, nil
}

func orgPath(org string, parts ...string) string {
	var b strings.Builder
	b.WriteString("/saas/v1/orgs/")
	b.WriteString(url.PathEscape(org))
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}

// ManagedApp is a managed SaaS application (the target of an import job).
type ManagedApp struct {
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	AppID             string   `json:"appId,omitempty"`
	AppName           string   `json:"appName,omitempty"`
	VendorName        string   `json:"vendorName,omitempty"`
	Description       string   `json:"description,omitempty"`
	IntegrationType   string   `json:"integrationType,omitempty"`
	IsActive          bool     `json:"isActive"`
	ActivityThreshold int      `json:"activityThreshold,omitempty"`
	ModifiedAt        string   `json:"modifiedAt,omitempty"`
	Tags              []string `json:"tags,omitempty"`
	TotalUsers        int      `json:"totalUsers,omitempty"`
}

type managedAppsPage struct {
	Values   []ManagedApp `json:"values"`
	NextPage string       `json:"nextPage"`
}

// ListManagedApps returns every managed application of org, following the
// nextPage links (skipToken pagination). view is "", "default", "extended"
// or "licenseUsage". A nextPage on another host or a repeated one is an
// error.
func (c *Client) ListManagedApps(ctx context.Context, org, view string) ([]ManagedApp, error) {
	if err := checkOrg(org); err != nil {
		return nil, err
	}
	p := orgPath(org, "managed-apps")
	if view != "" {
		p += "?view=" + url.QueryEscape(view)
	}
	var all []ManagedApp
	seen := map[string]bool{}
	for page := 1; p != ""; page++ {
		var pg managedAppsPage
		if err := c.getJSON(ctx, p, &pg); err != nil {
			return all, fmt.Errorf("flexera: managed apps page %d: %w", page, err)
		}
		all = append(all, pg.Values...)
		if pg.NextPage == "" || len(pg.Values) == 0 {
			break
		}
		next, err := c.sameOrigin(pg.NextPage)
		if err != nil {
			return all, fmt.Errorf("flexera: managed apps page %d: nextPage: %w", page, err)
		}
		if seen[next] {
			return all, fmt.Errorf("flexera: managed apps page %d: nextPage repeats an earlier page", page)
		}
		seen[next] = true
		p = next
	}
	return all, nil
}

// sameOrigin turns a nextPage value (path or absolute URL) into a request
// path, refusing another scheme or host.
func (c *Client) sameOrigin(next string) (string, error) {
	u, err := url.Parse(next)
	if err != nil {
		return "", fmt.Errorf("%q: %w", next, err)
	}
	if (u.IsAbs() || u.Host != "") && transport.Origin(u) != transport.Origin(c.api) {
		return "", fmt.Errorf("%s: another origin than %s", redactURL(u), c.api)
	}
	p := u.EscapedPath()
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p, nil
}

// GetManagedApp returns one managed application (ErrNotFound when absent).
func (c *Client) GetManagedApp(ctx context.Context, org, appID string) (ManagedApp, error) {
	return getOne[ManagedApp](ctx, c, org, "managed app", "managed-apps", appID)
}

// FindManagedAppByName returns the managed application whose name (or
// catalogue appName) equals name, case-insensitively. No match is an error
// matching ErrNotFound; several matches is an error listing their ids.
// Flexera has no API to create a managed app: add it in the UI first.
func (c *Client) FindManagedAppByName(ctx context.Context, org, name string) (ManagedApp, error) {
	apps, err := c.ListManagedApps(ctx, org, "")
	if err != nil {
		return ManagedApp{}, err
	}
	var found []ManagedApp
	for _, a := range apps {
		if strings.EqualFold(a.Name, name) || (a.Name == "" && strings.EqualFold(a.AppName, name)) {
			found = append(found, a)
		}
	}
	if len(found) == 0 {
		for _, a := range apps {
			if strings.EqualFold(a.AppName, name) {
				found = append(found, a)
			}
		}
	}
	switch len(found) {
	case 0:
		return ManagedApp{}, fmt.Errorf("flexera: org %s has no managed app named %q (add it in Flexera One first): %w", org, name, ErrNotFound)
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, a := range found {
		ids[i] = a.ID
	}
	return ManagedApp{}, fmt.Errorf("flexera: org %s has %d managed apps named %q (ids %s): pass the id", org, len(found), name, strings.Join(ids, ", "))
}

// SaaSData is an uploaded (or to-be-uploaded) data file.
type SaaSData struct {
	ID              string `json:"id"`
	Name            string `json:"name,omitempty"`
	Checksum        string `json:"checksum,omitempty"`
	ContentEncoding string `json:"contentEncoding,omitempty"`
	ContentType     string `json:"contentType,omitempty"`
	Status          string `json:"status,omitempty"` // failed | pending | uploaded
	CreatedAt       string `json:"createdAt,omitempty"`
	ModifiedAt      string `json:"modifiedAt,omitempty"`
}

// CreateSaaSData registers a data file named fileName (which Flexera wants
// unique) and returns its id, the last segment of the Location header.
func (c *Client) CreateSaaSData(ctx context.Context, org, fileName string) (string, error) {
	if err := errors.Join(checkOrg(org), checkID("file name", fileName)); err != nil {
		return "", err
	}
	p := orgPath(org, "saas-data")
	resp, _, err := c.postJSON(ctx, p, map[string]string{"fileName": fileName}, http.StatusCreated)
	if err != nil {
		return "", err
	}
	id, err := idFromLocation(resp.Header.Get("Location"))
	if err != nil {
		return "", fmt.Errorf("flexera: POST %s: %w", p, err)
	}
	return id, nil
}

// UploadSaaSData uploads gz, a gzip-compressed JSON Lines file, into the
// SaaSData id (PATCH with Content-Encoding: gzip and Checksum: the
// lowercase hex MD5 of gz). A SaaSData takes one upload: a second one
// fails with an *APIError matching ErrAlreadyUploaded (423).
func (c *Client) UploadSaaSData(ctx context.Context, org, id string, gz []byte) error {
	if err := errors.Join(checkOrg(org), checkID("SaaSData", id)); err != nil {
		return err
	}
	sum := md5.Sum(gz)
	h := http.Header{
		"Content-Type":     {"application/json"},
		"Content-Encoding": {"gzip"},
		"Checksum":         {hex.EncodeToString(sum[:])},
	}
	_, _, err := c.do(ctx, request{method: http.MethodPatch, path: orgPath(org, "saas-data", id), body: gz, header: h, want: http.StatusNoContent})
	return err
}

// GetSaaSData returns the SaaSData id.
func (c *Client) GetSaaSData(ctx context.Context, org, id string) (SaaSData, error) {
	return getOne[SaaSData](ctx, c, org, "SaaSData", "saas-data", id)
}

// TaskName is the kind of data an import job loads.
type TaskName string

// The task names Flexera documents. Deliver uses TaskApplicationRoster.
const (
	TaskApplicationRoster      TaskName = "ApplicationRoster"
	TaskApplicationUsage       TaskName = "ApplicationUsage"
	TaskApplicationDiscovery   TaskName = "ApplicationDiscovery"
	TaskApplicationConsumption TaskName = "ApplicationConsumption"
	TaskSsoApplicationUsage    TaskName = "SsoApplicationUsage"
	TaskSsoApplicationRoster   TaskName = "SsoApplicationRoster"
	TaskApplicationLicense     TaskName = "ApplicationLicense"
	TaskDiscoveredAppUsage     TaskName = "DiscoveredAppUsage"
)

// LoadType says how Flexera applies a roster: LoadFull replaces it (users
// missing from the load get deactivatedAt set by Flexera), LoadIncremental
// upserts the records sent (deactivatedAt must be sent explicitly).
type LoadType string

// The load types.
const (
	LoadFull        LoadType = "full"
	LoadIncremental LoadType = "incremental"
)

// ParseLoadType returns the LoadType named s ("" means LoadFull).
func ParseLoadType(s string) (LoadType, error) {
	switch l := LoadType(strings.ToLower(strings.TrimSpace(s))); l {
	case "":
		return LoadFull, nil
	case LoadFull, LoadIncremental:
		return l, nil
	}
	return "", fmt.Errorf("flexera: unknown load type %q (want full or incremental)", s)
}

// MaxSaaSDataPerJob is the most files one import job accepts.
const MaxSaaSDataPerJob = 10

// ImportSettings says what an import job loads and how.
type ImportSettings struct {
	TaskName TaskName `json:"taskName"`
	LoadType LoadType `json:"loadType"`
}

// SaaSDataRef names a SaaSData in an import job: Name is the SaaSData id.
type SaaSDataRef struct {
	Name string `json:"name"`
}

// ImportJobRequest is the body of POST /saas/v1/orgs/{org}/import-jobs.
type ImportJobRequest struct {
	ManagedAppID   string         `json:"managedAppId"`
	ImportSettings ImportSettings `json:"importSettings"`
	SaaSDataList   []SaaSDataRef  `json:"saasDataList"`
}

// Validate checks the request against the documented limits.
func (r ImportJobRequest) Validate() error {
	var errs []error
	if !appRe.MatchString(r.ManagedAppID) {
		errs = append(errs, fmt.Errorf("flexera: managed app id %q: want lowercase hex digits", r.ManagedAppID))
	}
	if r.ImportSettings.TaskName == "" {
		errs = append(errs, errors.New("flexera: import job: no task name"))
	}
	if r.ImportSettings.LoadType != LoadFull && r.ImportSettings.LoadType != LoadIncremental {
		errs = append(errs, fmt.Errorf("flexera: import job: load type %q: want full or incremental", r.ImportSettings.LoadType))
	}
	if n := len(r.SaaSDataList); n < 1 || n > MaxSaaSDataPerJob {
		errs = append(errs, fmt.Errorf("flexera: import job: %d SaaSData entries, want 1-%d", n, MaxSaaSDataPerJob))
	}
	for i, d := range r.SaaSDataList {
		if err := checkID("SaaSData", d.Name); err != nil {
			errs = append(errs, fmt.Errorf("saasDataList[%d]: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

// The import job statuses. JobCompleted and JobFailed are final.
const (
	JobReady     = "ready"
	JobQueued    = "queued"
	JobRunning   = "running"
	JobCompleted = "completed"
	JobFailed    = "failed"
)

// ImportJob is an import job as Flexera reports it.
type ImportJob struct {
	ID             string         `json:"id"`
	Status         string         `json:"status"`
	SourceHref     string         `json:"sourceHref,omitempty"`
	CreatedAt      string         `json:"createdAt,omitempty"`
	StartedAt      string         `json:"startedAt,omitempty"`
	FinishedAt     string         `json:"finishedAt,omitempty"`
	ImportSettings ImportSettings `json:"importSettings"`
	SaaSDataList   []SaaSData     `json:"saasDataList,omitempty"`
	Errors         []JobError     `json:"errors,omitempty"`
}

// Done reports whether the job reached a final status.
func (j ImportJob) Done() bool { return j.Status == JobCompleted || j.Status == JobFailed }

// JobError is one processing error of an import job.
type JobError struct {
	Error               string `json:"error"`
	Summary             string `json:"summary,omitempty"`
	PotentialResolution string `json:"potentialResolution,omitempty"`
}

func (e JobError) String() string {
	s := e.Error
	if e.Summary != "" {
		s += ": " + e.Summary
	}
	if e.PotentialResolution != "" {
		s += " (" + e.PotentialResolution + ")"
	}
	return s
}

// CreateImportJob starts an import job and returns its id (the last
// segment of the Location header). The job starts by itself.
func (c *Client) CreateImportJob(ctx context.Context, org string, req ImportJobRequest) (string, error) {
	if err := errors.Join(checkOrg(org), req.Validate()); err != nil {
		return "", err
	}
	p := orgPath(org, "import-jobs")
	resp, _, err := c.postJSON(ctx, p, req, http.StatusCreated)
	if err != nil {
		return "", err
	}
	id, err := idFromLocation(resp.Header.Get("Location"))
	if err != nil {
		return "", fmt.Errorf("flexera: POST %s: %w", p, err)
	}
	return id, nil
}

// GetImportJob returns the current state of job id.
func (c *Client) GetImportJob(ctx context.Context, org, id string) (ImportJob, error) {
	return getOne[ImportJob](ctx, c, org, "import job", "import-jobs", id)
}

// getOne checks org and id, then GETs the org's collection/id into a T.
func getOne[T any](ctx context.Context, c *Client, org, kind, collection, id string) (T, error) {
	var v T
	if err := errors.Join(checkOrg(org), checkID(kind, id)); err != nil {
		return v, err
	}
	err := c.getJSON(ctx, orgPath(org, collection, id), &v)
	return v, err
}

// WaitImportJob polls job id every Config.PollInterval until it is
// completed or failed, or ctx ends. A failed job returns its last state and
// a *JobFailedError (errors.Is ErrJobFailed) carrying the job's errors.
func (c *Client) WaitImportJob(ctx context.Context, org, id string) (ImportJob, error) {
	last := ""
	for {
		j, err := c.GetImportJob(ctx, org, id)
		if err != nil {
			return j, err
		}
		if j.Status != last {
			c.log.LogAttrs(ctx, slog.LevelInfo, "flexera import job", slog.String("org", org), slog.String("job", id), slog.String("status", j.Status))
			last = j.Status
		}
		switch j.Status {
		case JobCompleted:
			for _, je := range j.Errors {
				c.log.LogAttrs(ctx, slog.LevelWarn, "flexera import job completed with an error", slog.String("org", org), slog.String("job", id), slog.String("error", je.String()))
			}
			return j, nil
		case JobFailed:
			return j, &JobFailedError{Org: org, Job: j}
		}
		if err := transport.Sleep(ctx, c.cfg.PollInterval); err != nil {
			return j, fmt.Errorf("flexera: waiting for import job %s (status %s): %w", id, j.Status, err)
		}
	}
}
