package connectortest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/internal/txtar"
)

// updateFlag is -update, when this package defined it.
var updateFlag *bool

func init() {
	if flag.Lookup("update") == nil {
		updateFlag = flag.Bool("update", false, "connectortest: rewrite the want.json section of Replay fixtures")
	}
}

// Updating reports whether -update (or CONNECTORTEST_UPDATE=1) asks Replay
// to rewrite want.json sections.
func Updating() bool {
	if v, _ := strconv.ParseBool(os.Getenv("CONNECTORTEST_UPDATE")); v {
		return true
	}
	if updateFlag != nil {
		return *updateFlag
	}
	if f := flag.Lookup("update"); f != nil {
		if g, ok := f.Value.(flag.Getter); ok {
			if b, ok := g.Get().(bool); ok {
				return b
			}
		}
	}
	return false
}

// Option configures Replay.
type Option func(*replayConfig)

type replayConfig struct {
	tmpl     *connector.Template
	settings connector.Settings
	now      time.Time
	update   *bool
	name     string
	opts     []connector.Option
	wrap     func(http.RoundTripper) http.RoundTripper
	// observe, when set (by this package's tests), sees each scenario's
	// report, its last progress and the time its Run took (simulated time
	// in a bubble).
	observe func(sc *scenario, rep connector.Report, last connector.Progress, elapsed time.Duration)
}

// WithTemplate sets the template to run (instead of dir/template.json).
func WithTemplate(t connector.Template) Option {
	return func(c *replayConfig) { c.tmpl = &t }
}

// WithSettings adds settings over dir/settings.json (a scenario's own
// settings.json still wins).
func WithSettings(s connector.Settings) Option {
	return func(c *replayConfig) {
		if c.settings == nil {
			c.settings = connector.Settings{}
		}
		maps.Copy(c.settings, s)
	}
}

// WithClock sets the connector's fixed clock for scenarios that have no
// "now" section (default DefaultNow).
func WithClock(now time.Time) Option {
	return func(c *replayConfig) { c.now = now }
}

// WithUpdate forces want.json rewriting on or off, whatever -update says.
func WithUpdate(on bool) Option {
	return func(c *replayConfig) { c.update = &on }
}

// WithName sets the connector instance name (User.Connector, Report
// .Connector); default the template's slug.
func WithName(name string) Option {
	return func(c *replayConfig) { c.name = name }
}

// WithTransport wraps the transport to the replay server: wrap receives it
// and returns the RoundTripper the connector sends through, to observe or
// alter requests (a test that checks a signed token request, say). Prefer
// it to a WithHTTPClient connector option, which would bypass the replay
// server altogether. wrap must pass every request on to the transport it
// was given.
func WithTransport(wrap func(http.RoundTripper) http.RoundTripper) Option {
	return func(c *replayConfig) { c.wrap = wrap }
}

// WithConnectorOptions adds options to every connector.New call, after
// Replay's own (so they win). A connector.WithHTTPClient here replaces the
// replay server's client (requests would go to the network): use
// WithTransport to observe requests instead.
func WithConnectorOptions(opts ...connector.Option) Option {
	return func(c *replayConfig) { c.opts = append(c.opts, opts...) }
}

// Replay runs every *.txtar scenario in dir against a connector built from
// the template and checks the requests it sends, the users it delivers, how
// the run ends and, when the scenario has want.<resource>.json sections, the
// licenses, applications or assignments it then lists. The fixture format is in the package documentation.
//
// With a *testing.T each scenario is a parallel subtest run in a
// testing/synctest bubble, so time is simulated: a 20/minute rate limit or
// a long Retry-After costs no wall time, yet the limiter and the retries
// wait as they would against the vendor. With another testing.TB they run
// in t one after another, in real time. Problems with the fixtures
// themselves (a missing template, a malformed section) are fatal.
func Replay(t testing.TB, dir string, opts ...Option) {
	t.Helper()
	cfg := replayConfig{}
	for _, o := range opts {
		o(&cfg)
	}
	tmpl := cfg.tmpl
	if tmpl == nil {
		data, err := os.ReadFile(filepath.Join(dir, "template.json"))
		if err != nil {
			t.Fatalf("connectortest: no WithTemplate option and no template: %v", err)
		}
		parsed, err := connector.ParseTemplate(data)
		if err != nil {
			t.Fatalf("connectortest: %s: %v", filepath.Join(dir, "template.json"), err)
		}
		tmpl = &parsed
	}
	base := connector.Settings{}
	if data, err := os.ReadFile(filepath.Join(dir, "settings.json")); err == nil {
		if err := json.Unmarshal(data, &base); err != nil {
			t.Fatalf("connectortest: %s: want a JSON object of strings: %v", filepath.Join(dir, "settings.json"), err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("connectortest: %v", err)
	}
	maps.Copy(base, cfg.settings)
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("connectortest: no *.txtar scenarios in %s (%v)", dir, err)
	}
	update := Updating()
	if cfg.update != nil {
		update = *cfg.update
	}
	r := &replayer{tmpl: *tmpl, settings: base, cfg: cfg, update: update}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		if tr, ok := t.(interface {
			Run(string, func(*testing.T)) bool
		}); ok {
			tr.Run(name, func(t *testing.T) {
				t.Parallel()
				synctest.Test(t, func(t *testing.T) { r.scenario(t, file, true) })
			})
			continue
		}
		r.scenario(prefixed{t, name + ": "}, file, false)
	}
}

// prefixed prefixes failure and log messages with a scenario name.
type prefixed struct {
	testing.TB
	prefix string
}

func (p prefixed) Errorf(format string, args ...any) {
	p.TB.Helper()
	p.TB.Errorf(p.prefix+format, args...)
}
func (p prefixed) Fatalf(format string, args ...any) {
	p.TB.Helper()
	p.TB.Fatalf(p.prefix+format, args...)
}
func (p prefixed) Logf(format string, args ...any) {
	p.TB.Helper()
	p.TB.Logf(p.prefix+format, args...)
}

type replayer struct {
	tmpl     connector.Template
	settings connector.Settings
	cfg      replayConfig
	update   bool
}

// exchange is one expected request and its response, as fixture text.
type exchange struct {
	n        int
	request  []byte
	response []byte
}

// scenario is one parsed fixture.
type scenario struct {
	path       string
	archive    *txtar.Archive
	exchanges  []exchange
	want       []byte // nil when absent
	wantStatus connector.RunStatus
	wantErr    string
	settings   connector.Settings
	now        time.Time
	// resources holds the want.<resource>.json sections, by resource.
	resources map[string][]byte
}

// resourceSection is a resource listing a scenario may check.
type resourceSection struct {
	name string
	list func(context.Context, *connector.Connector) ([]any, error)
}

// resourceSections are the resource listings a scenario may check after
// the users run, in the order they run, with the Connector method that
// lists each.
var resourceSections = []resourceSection{
	{"licenses", func(ctx context.Context, c *connector.Connector) ([]any, error) { return collect(c.Licenses(ctx)) }},
	{"applications", func(ctx context.Context, c *connector.Connector) ([]any, error) { return collect(c.Applications(ctx)) }},
	{"assignments", func(ctx context.Context, c *connector.Connector) ([]any, error) { return collect(c.Assignments(ctx)) }},
}

// collect drains a resource iterator into values and its error.
func collect[T any](seq iter.Seq2[T, error]) ([]any, error) {
	var out []any
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

var exchangeName = regexp.MustCompile(`^([1-9][0-9]*)\.(request|response)$`)

func parseScenario(path string, data []byte) (*scenario, error) {
	a := txtar.Parse(data)
	sc := &scenario{path: path, archive: a, wantStatus: connector.Succeeded, settings: connector.Settings{}}
	byN := map[int]*exchange{}
	seen := map[string]bool{}
	for _, f := range a.Files {
		if seen[f.Name] {
			return nil, fmt.Errorf("section %q appears twice", f.Name)
		}
		seen[f.Name] = true
		if m := exchangeName.FindStringSubmatch(f.Name); m != nil {
			n, _ := strconv.Atoi(m[1])
			ex := byN[n]
			if ex == nil {
				ex = &exchange{n: n}
				byN[n] = ex
			}
			if m[2] == "request" {
				ex.request = f.Data
			} else {
				ex.response = f.Data
			}
			continue
		}
		if res, ok := strings.CutPrefix(f.Name, "want."); ok && strings.HasSuffix(res, ".json") && res != "json" {
			res = strings.TrimSuffix(res, ".json")
			if !slices.ContainsFunc(resourceSections, func(s resourceSection) bool { return s.name == res }) {
				return nil, fmt.Errorf("unknown section %q (want.licenses.json, want.applications.json or want.assignments.json)", f.Name)
			}
			if sc.resources == nil {
				sc.resources = map[string][]byte{}
			}
			sc.resources[res] = f.Data
			continue
		}
		switch f.Name {
		case "want.json":
			sc.want = f.Data
		case "want.status":
			st := connector.RunStatus(strings.TrimSpace(string(f.Data)))
			switch st {
			case connector.Succeeded, connector.Partial, connector.Failed, connector.Cancelled:
			default:
				return nil, fmt.Errorf("want.status: %q is not one of succeeded, partial, failed, cancelled", st)
			}
			sc.wantStatus = st
		case "want.err":
			sc.wantErr = strings.TrimSpace(string(f.Data))
		case "settings.json":
			if err := json.Unmarshal(f.Data, &sc.settings); err != nil {
				return nil, fmt.Errorf("settings.json: want a JSON object of strings: %w", err)
			}
		case "now":
			t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(f.Data)))
			if err != nil {
				return nil, fmt.Errorf("now: %w", err)
			}
			sc.now = t
		default:
			return nil, fmt.Errorf("unknown section %q (want N.request, N.response, want.json, want.<resource>.json, want.status, want.err, settings.json or now)", f.Name)
		}
	}
	for n := 1; n <= len(byN); n++ {
		ex := byN[n]
		switch {
		case ex == nil:
			return nil, fmt.Errorf("exchanges are not numbered 1 to %d: %d is missing", len(byN), n)
		case ex.request == nil:
			return nil, fmt.Errorf("%d.response has no %d.request", n, n)
		case ex.response == nil:
			return nil, fmt.Errorf("%d.request has no %d.response", n, n)
		}
		sc.exchanges = append(sc.exchanges, *ex)
	}
	return sc, nil
}

// scenario runs one fixture file.
//
// simulated says t runs in a testing/synctest bubble: time.Now and every
// wait are the bubble's fake clock.
func (r *replayer) scenario(t testing.TB, path string, simulated bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("connectortest: %v", err)
	}
	sc, err := parseScenario(path, data)
	if err != nil {
		t.Fatalf("connectortest: %s: %v", path, err)
	}

	rs := &replayServer{sc: sc}
	srv := newPipeServer(rs)
	defer srv.Close() // also on t.Fatalf: no server goroutine may outlive a bubble

	settings := maps.Clone(r.settings)
	if settings == nil {
		settings = connector.Settings{}
	}
	maps.Copy(settings, sc.settings)
	declared := map[string]connector.Setting{}
	for _, s := range r.tmpl.Settings() {
		declared[s.Name] = s
	}
	vars := map[string]string{"server_url": srv.URL}
	for _, name := range []string{"base_url", "token_url", "login_url"} {
		d, ok := declared[name]
		if !ok {
			continue
		}
		v := cmp.Or(settings[name], d.Default)
		if name == "base_url" || strings.Contains(v, "://") {
			// Placeholders in the path ("/{tenant}/oauth2/v2.0/token") are
			// filled from the scenario's settings first, so the replay server
			// sees the path the vendor would.
			settings[name] = srv.URL + fillPath(urlPath(v), settings)
			continue
		}
		// A default relative to another setting ("{base_url}/oauth/token")
		// follows it: leave it to the connector, but give fixtures its value.
		vars[name] = strings.ReplaceAll(v, "{base_url}", settings["base_url"])
	}
	for k, v := range settings {
		vars[k] = v
	}
	var secrets []string
	for name, v := range settings {
		if d, ok := declared[name]; !ok || !d.Secret || len(v) < 4 {
			continue
		}
		for user, u := range settings { // HTTP Basic credentials holding it
			secrets = append(secrets, "{{basic:"+user+":"+name+"}}", "Basic "+base64.StdEncoding.EncodeToString([]byte(u+":"+v)))
		}
		secrets = append(secrets, "{{"+name+"}}", v)
	}
	rs.vars = vars
	rs.redact = strings.NewReplacer(invertPairs(secrets)...)

	now := cmp.Or(sc.now, r.cfg.now, DefaultNow)
	name := cmp.Or(r.cfg.name, r.tmpl.Slug, "replay")
	client := srv.Client()
	if r.cfg.wrap != nil {
		client.Transport = r.cfg.wrap(client.Transport)
	}
	opts := []connector.Option{
		connector.WithHTTPClient(client),
		connector.WithClock(func() time.Time { return now }),
		connector.WithRetry(connector.RetryPolicy{MinWait: time.Millisecond}),
	}
	var last connector.Progress
	if r.cfg.observe != nil {
		opts = append(opts, connector.WithProgress(func(p connector.Progress) { last = p }))
	}
	opts = append(opts, r.cfg.opts...)
	c, err := connector.New(r.tmpl, name, settings, opts...)
	if err != nil {
		t.Fatalf("connectortest: connector.New: %v", err)
	}
	if simulated {
		// The bubble's clock starts at 2000-01-01; move it to the scenario's
		// time so Retry-After dates and X-RateLimit-Reset instants read
		// against "now" as they would against the vendor's clock.
		if d := time.Until(now); d > 0 {
			time.Sleep(d)
		}
	}
	start := time.Now()
	var got []saasconnect.User
	rep, runErr := c.Run(testContext(t), func(u saasconnect.User) error {
		u.Raw = nil
		got = append(got, u)
		return nil
	})
	elapsed := time.Since(start)
	// Then each resource the scenario checks, on the same server and
	// connector, its requests following the users listing's.
	type resourceRun struct {
		name string
		got  []any
		err  error
	}
	var resRuns []resourceRun
	for _, s := range resourceSections {
		if _, ok := sc.resources[s.name]; ok {
			got, err := s.list(testContext(t), c)
			resRuns = append(resRuns, resourceRun{s.name, got, err})
		}
	}
	srv.Close() // waits for the handlers: rs.failures is final
	if r.cfg.observe != nil {
		r.cfg.observe(sc, rep, last, elapsed)
	}

	if len(rs.failures) > 0 {
		for _, f := range rs.failures {
			t.Errorf("%s", f)
		}
		t.Errorf("run ended with status %s, error %v (after the request mismatch above)", rep.Status, runErr)
		return
	}
	if rs.next < len(sc.exchanges) {
		for _, ex := range sc.exchanges[rs.next:] {
			t.Errorf("expected request %d was never made:\n%s", ex.n, indent(rs.redact.Replace(string(ex.request))))
		}
	}
	if rep.Status != sc.wantStatus {
		t.Errorf("Run status = %s, want %s (error: %v)", rep.Status, sc.wantStatus, runErr)
	}
	switch {
	case sc.wantErr != "" && runErr == nil:
		t.Errorf("Run error = nil, want %s", sc.wantErr)
	case sc.wantErr != "" && !errMatches(runErr, sc.wantErr):
		t.Errorf("Run error = %v, want %s", runErr, sc.wantErr)
	case sc.wantErr == "" && runErr != nil && sc.wantStatus == connector.Succeeded:
		t.Errorf("Run error = %v, want none", runErr)
	}

	for _, rr := range resRuns {
		if rr.err != nil {
			t.Errorf("%s: listing error = %v, want none", rr.name, rr.err)
		}
		section := "want." + rr.name + ".json"
		gotJSON, err := normaliseJSON(rr.got)
		if err != nil {
			t.Fatalf("connectortest: %v", err)
		}
		if r.update {
			data := []byte("[]\n")
			if len(rr.got) > 0 {
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rr.got); err != nil {
					t.Fatalf("connectortest: %v", err)
				}
				data = buf.Bytes()
			}
			sc.archive.Set(section, data)
			continue
		}
		var want any
		if err := json.Unmarshal(sc.resources[rr.name], &want); err != nil {
			t.Fatalf("connectortest: %s: %s: %v", path, section, err)
		}
		if want == nil {
			want = []any{}
		}
		if diff := gocmp.Diff(want, gotJSON); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", rr.name, diff)
		}
	}

	gotJSON, err := normaliseUsers(got)
	if err != nil {
		t.Fatalf("connectortest: %v", err)
	}
	if r.update {
		if err := writeWant(sc, got); err != nil {
			t.Fatalf("connectortest: -update: %v", err)
		}
		t.Logf("connectortest: rewrote want.json in %s (%d users)", path, len(got))
		return
	}
	if sc.want == nil {
		t.Errorf("%s has no want.json section (run with -update to write it); got %d users", path, len(got))
		return
	}
	var wantUsers []saasconnect.User
	dec := json.NewDecoder(bytes.NewReader(sc.want))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&wantUsers); err != nil {
		t.Fatalf("connectortest: %s: want.json: %v", path, err)
	}
	wantJSON, err := normaliseUsers(wantUsers)
	if err != nil {
		t.Fatalf("connectortest: %v", err)
	}
	// reflect.DeepEqual first: go-cmp is many times slower on the large
	// pages of some fixtures, and needed only to show a difference.
	if !reflect.DeepEqual(wantJSON, gotJSON) {
		if diff := gocmp.Diff(wantJSON, gotJSON); diff != "" {
			t.Errorf("users mismatch (-want +got):\n%s", diff)
		}
	}
}

// testContext returns t's context when it has one (testing.TB does).
func testContext(t testing.TB) context.Context {
	if ctx := t.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

func invertPairs(p []string) []string {
	out := make([]string, len(p))
	for i := 0; i+1 < len(p); i += 2 {
		out[i], out[i+1] = p[i+1], p[i]
	}
	return out
}

// urlPath returns the path (and anything after it) of a URL or URL
// template: everything from the first "/" after "scheme://host".
func urlPath(v string) string {
	rest := v
	if i := strings.Index(v, "://"); i >= 0 {
		rest = v[i+3:]
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return strings.TrimSuffix(rest[i:], "/")
	}
	return ""
}

var sentinels = map[string]error{
	"ErrUnauthorized": connector.ErrUnauthorized,
	"ErrForbidden":    connector.ErrForbidden,
	"ErrNotFound":     connector.ErrNotFound,
	"ErrRateLimited":  connector.ErrRateLimited,
	"ErrCursorLoop":   connector.ErrCursorLoop,
	"ErrTooManyPages": connector.ErrTooManyPages,
}

func errMatches(err error, want string) bool {
	if s, ok := sentinels[strings.TrimPrefix(want, "connector.")]; ok {
		return errors.Is(err, s)
	}
	return strings.Contains(err.Error(), want)
}

// normaliseUsers turns users into plain JSON values for comparison: Raw
// dropped, times in UTC.
func normaliseUsers(users []saasconnect.User) ([]any, error) {
	out := make([]any, 0, len(users))
	for _, u := range users {
		u.Raw = nil
		if !u.LastActivity.IsZero() {
			u.LastActivity = u.LastActivity.UTC()
		}
		data, err := json.Marshal(u)
		if err != nil {
			return nil, err
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// normaliseJSON turns resource values into plain JSON values for
// comparison (an empty list is [], never null).
func normaliseJSON(vals []any) (any, error) {
	if len(vals) == 0 {
		return []any{}, nil
	}
	data, err := json.Marshal(vals)
	if err != nil {
		return nil, err
	}
	var v any
	err = json.Unmarshal(data, &v)
	return v, err
}

// writeWant rewrites the scenario file with got as its want.json.
func writeWant(sc *scenario, got []saasconnect.User) error {
	for i := range got {
		got[i].Raw = nil
	}
	data := []byte("[]\n")
	if len(got) > 0 {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // keep "R&D" readable in fixtures
		enc.SetIndent("", "  ")
		if err := enc.Encode(got); err != nil {
			return err
		}
		data = buf.Bytes()
	}
	sc.archive.Set("want.json", data)
	info, err := os.Stat(sc.path)
	if err != nil {
		return err
	}
	return os.WriteFile(sc.path, txtar.Format(sc.archive), info.Mode().Perm())
}

// ---- the replay server ----

type replayServer struct {
	sc       *scenario
	vars     map[string]string
	redact   *strings.Replacer
	mu       sync.Mutex
	next     int // index of the next expected exchange
	failures []string
}

var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}`)

// expand replaces {{name}} placeholders with vars, and
// {{basic:USER:PASS}} with "Basic " and the base64 of the two settings'
// values joined by a colon (an HTTP Basic Authorization value).
func expand(text []byte, vars map[string]string) ([]byte, error) {
	var missing []string
	out := placeholder.ReplaceAllFunc(text, func(m []byte) []byte {
		name := string(placeholder.FindSubmatch(m)[1])
		if rest, ok := strings.CutPrefix(name, "basic:"); ok {
			user, pass, _ := strings.Cut(rest, ":")
			u, ok1 := vars[user]
			p, ok2 := vars[pass]
			if !ok1 || !ok2 {
				missing = append(missing, name)
				return m
			}
			return []byte("Basic " + base64.StdEncoding.EncodeToString([]byte(u+":"+p)))
		}
		v, ok := vars[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return []byte(v)
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("unknown placeholder {{%s}} (no such setting)", strings.Join(missing, "}}, {{"))
	}
	return out, nil
}

func (rs *replayServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rs.mu.Lock()
	defer rs.mu.Unlock()
	fail := func(msg string) {
		rs.failures = append(rs.failures, rs.redact.Replace(msg))
		http.Error(w, "connectortest: unexpected request (see the test failure)", http.StatusNotImplemented)
	}
	got := rs.redact.Replace(dumpRequest(r, body))
	if rs.next >= len(rs.sc.exchanges) {
		fail(fmt.Sprintf("unexpected request %d (the fixture has %d):\n%s", rs.next+1, len(rs.sc.exchanges), indent(got)))
		return
	}
	ex := rs.sc.exchanges[rs.next]
	reqText, err := expand(ex.request, rs.vars)
	if err != nil {
		fail(fmt.Sprintf("%d.request: %v", ex.n, err))
		return
	}
	want, err := parseWireRequest(reqText)
	if err != nil {
		fail(fmt.Sprintf("%d.request: %v", ex.n, err))
		return
	}
	if why := want.mismatch(r, body); why != "" {
		fail(fmt.Sprintf("unexpected request: %s\ngot:\n%s\nwant (%d.request):\n%s", why, indent(got), ex.n,
			indent(rs.redact.Replace(string(reqText)))))
		return
	}
	respText, err := expand(ex.response, rs.vars)
	if err != nil {
		fail(fmt.Sprintf("%d.response: %v", ex.n, err))
		return
	}
	resp, err := parseWireResponse(respText)
	if err != nil {
		fail(fmt.Sprintf("%d.response: %v", ex.n, err))
		return
	}
	rs.next++
	for k, vs := range resp.header {
		if k == "Content-Length" || k == "Transfer-Encoding" {
			continue
		}
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	w.Write(resp.body)
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	return "\t" + strings.ReplaceAll(s, "\n", "\n\t")
}

// dumpRequest renders r in wire form, headers sorted.
func dumpRequest(r *http.Request, body []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\n", r.Method, r.URL.RequestURI())
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		for _, v := range r.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	if len(body) > 0 {
		b.WriteString("\n")
		b.Write(body)
		b.WriteString("\n")
	}
	return b.String()
}

// splitWire splits wire text into its first line, header lines and body.
func splitWire(text []byte) (first string, header http.Header, body []byte, err error) {
	head := text
	for _, sep := range []string{"\r\n\r\n", "\n\n"} {
		if i := bytes.Index(text, []byte(sep)); i >= 0 && (len(head) == len(text) || i < len(head)) {
			head, body = text[:i], text[i+len(sep):]
		}
	}
	lines := strings.Split(strings.ReplaceAll(strings.TrimRight(string(head), "\r\n"), "\r\n", "\n"), "\n")
	first = strings.TrimSpace(lines[0])
	header = http.Header{}
	for _, l := range lines[1:] {
		k, v, ok := strings.Cut(l, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return "", nil, nil, fmt.Errorf("header line %q: want Name: value", l)
		}
		header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return first, header, body, nil
}

type wireRequest struct {
	method string
	target *url.URL
	header http.Header
	body   []byte
}

func parseWireRequest(text []byte) (*wireRequest, error) {
	first, header, body, err := splitWire(text)
	if err != nil {
		return nil, err
	}
	parts := strings.Fields(first)
	if len(parts) < 2 || len(parts) > 3 || (len(parts) == 3 && !strings.HasPrefix(parts[2], "HTTP/")) {
		return nil, fmt.Errorf("request line %q: want METHOD TARGET [HTTP/1.1]", first)
	}
	u, err := url.Parse(parts[1])
	if err != nil {
		return nil, fmt.Errorf("request line %q: %w", first, err)
	}
	return &wireRequest{method: parts[0], target: u, header: header, body: bytes.TrimSpace(body)}, nil
}

// mismatch says how r differs from w, or "" when it matches.
func (w *wireRequest) mismatch(r *http.Request, body []byte) string {
	if r.Method != w.method {
		return fmt.Sprintf("method %s, want %s", r.Method, w.method)
	}
	if r.URL.Path != w.target.Path {
		return fmt.Sprintf("path %s, want %s", r.URL.Path, w.target.Path)
	}
	wantQ, err := url.ParseQuery(w.target.RawQuery)
	if err != nil {
		return fmt.Sprintf("the fixture's query %q does not parse: %v", w.target.RawQuery, err)
	}
	gotQ := r.URL.Query()
	for _, q := range []url.Values{wantQ, gotQ} {
		for _, vs := range q {
			slices.Sort(vs)
		}
	}
	if !reflect.DeepEqual(map[string][]string(wantQ), map[string][]string(gotQ)) && (len(wantQ) > 0 || len(gotQ) > 0) {
		return fmt.Sprintf("query %s, want %s", gotQ.Encode(), wantQ.Encode())
	}
	for _, k := range slices.Sorted(maps.Keys(w.header)) {
		if k == "Host" || k == "Content-Length" {
			continue
		}
		want, got := strings.Join(w.header[k], ", "), strings.Join(r.Header.Values(k), ", ")
		if got != want {
			return fmt.Sprintf("header %s: %q, want %q", k, got, want)
		}
	}
	if len(w.body) == 0 {
		return ""
	}
	body = bytes.TrimSpace(body)
	var wantJ, gotJ any
	if json.Unmarshal(w.body, &wantJ) == nil {
		if err := json.Unmarshal(body, &gotJ); err != nil || !reflect.DeepEqual(wantJ, gotJ) {
			return fmt.Sprintf("JSON body %s, want %s", body, w.body)
		}
		return ""
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		wantF, err1 := url.ParseQuery(string(w.body))
		gotF, err2 := url.ParseQuery(string(body))
		if err1 != nil || err2 != nil || !formMatch(wantF, gotF) {
			return fmt.Sprintf("form body %s, want %s", body, w.body)
		}
		return ""
	}
	if !bytes.Equal(body, w.body) {
		return fmt.Sprintf("body %q, want %q", body, w.body)
	}
	return ""
}

// anyFormValue, as the whole value of a form field in a fixture's request
// body, matches any non-empty value: a signed JWT assertion (iat and exp
// change each run) cannot be written in a fixture.
const anyFormValue = "{{*}}"

// formMatch says whether got has exactly want's fields, each with the same
// values in the same order, where a want value of [anyFormValue] matches
// any non-empty value.
func formMatch(want, got url.Values) bool {
	if len(want) != len(got) {
		return false
	}
	for k, wv := range want {
		gv, ok := got[k]
		if !ok || len(gv) != len(wv) {
			return false
		}
		for i, v := range wv {
			if v == anyFormValue && gv[i] != "" {
				continue
			}
			if v != gv[i] {
				return false
			}
		}
	}
	return true
}

type wireResponse struct {
	status int
	header http.Header
	body   []byte
}

func parseWireResponse(text []byte) (*wireResponse, error) {
	first, header, body, err := splitWire(text)
	if err != nil {
		return nil, err
	}
	proto, rest, _ := strings.Cut(first, " ")
	code, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	status, err := strconv.Atoi(code)
	if !strings.HasPrefix(proto, "HTTP/") || err != nil || status < 100 || status > 999 {
		return nil, fmt.Errorf("status line %q: want HTTP/1.1 CODE [REASON]", first)
	}
	return &wireResponse{status: status, header: header, body: body}, nil
}

// fillPath replaces {name} placeholders in a URL path with the path-escaped
// values of settings; unknown names are left for the connector to report.
func fillPath(path string, settings connector.Settings) string {
	if !strings.Contains(path, "{") {
		return path
	}
	pairs := make([]string, 0, 2*len(settings))
	for k, v := range settings {
		pairs = append(pairs, "{"+k+"}", url.PathEscape(v))
	}
	return strings.NewReplacer(pairs...).Replace(path)
}
