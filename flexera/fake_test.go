package flexera_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect/flexera"
)

// fakeFlexera is an in-process Flexera One: the token endpoint and the
// SaaS import endpoints, checking the protocol the way the real API
// documents it. Protocol violations are collected in problems.
type fakeFlexera struct {
	mu sync.Mutex

	refreshToken string // accepted by the refresh_token grant
	clientID     string // accepted by the client_credentials grant
	clientSecret string
	expiresIn    any // expires_in in token responses (default 3600; "" leaves it out)

	tokenForms []url.Values
	valid      map[string]bool // access tokens accepted
	issued     int

	data      map[string]*fakeData
	dataOrder []string
	jobs      map[string]*fakeJob
	jobOrder  []string

	// faults
	throttle      map[string]int // "METHOD kind" -> number of 429s left
	retryAfter    string
	failJobCreate int    // next job creations answered 500
	lostPatch     bool   // store the next PATCH, answer 429 (a lost response)
	pollsToFinish int    // GETs of a job before it is final (default 1)
	finalStatus   string // "completed" (default) or "failed"
	jobErrors     []flexera.JobError
	apps          []flexera.ManagedApp
	appsPerPage   int
	nextPageAbs   string // when set, nextPage is this absolute base + path

	requests []string
	problems []string
}

type fakeData struct {
	id, fileName string
	body         []byte // bytes received
	checksum     string
	records      []map[string]any
	uploaded     bool
	task         flexera.TaskName // the task its records' fields belong to
}

type fakeJob struct {
	req   flexera.ImportJobRequest
	id    string
	polls int
}

func newFake() *fakeFlexera {
	return &fakeFlexera{
		refreshToken: "rt-secret-value",
		clientID:     "client-1",
		clientSecret: "cs-secret-value",
		valid:        map[string]bool{},
		data:         map[string]*fakeData{},
		jobs:         map[string]*fakeJob{},
		throttle:     map[string]int{},
		retryAfter:   "2",
	}
}

// server starts an httptest server and returns a Config pointing at it.
func (f *fakeFlexera) server(t testing.TB) flexera.Config {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return flexera.Config{APIURL: srv.URL, LoginURL: srv.URL, RefreshToken: flexera.Secret(f.refreshToken)}
}

// transport serves f in memory (for synctest bubbles, where sockets do not work).
func (f *fakeFlexera) transport() http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		resp := rec.Result()
		resp.Request = req
		return resp, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (f *fakeFlexera) problem(format string, args ...any) {
	f.problems = append(f.problems, fmt.Sprintf(format, args...))
}

func goaErr(w http.ResponseWriter, status int, name, msg string) {
	w.Header().Set("Content-Type", "application/vnd.goa.error")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"name": name, "id": "err-" + name, "message": msg, "temporary": false, "timeout": false, "fault": status >= 500})
}

func (f *fakeFlexera) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	if r.URL.Path == "/oidc/token" {
		f.token(w, r)
		return
	}
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "Bearer ") || !f.valid[strings.TrimPrefix(auth, "Bearer ")] {
		goaErr(w, 401, "unauthorized", "invalid or expired token")
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	// saas v1 orgs {org} kind [id]
	if len(parts) < 5 || parts[0] != "saas" || parts[1] != "v1" || parts[2] != "orgs" {
		http.NotFound(w, r)
		return
	}
	org, kind := parts[3], parts[4]
	id := ""
	if len(parts) > 5 {
		id = parts[5]
	}
	if n := f.throttle[r.Method+" "+kind]; n > 0 {
		f.throttle[r.Method+" "+kind] = n - 1
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		goaErr(w, 429, "too_many_requests", "rate limit exceeded")
		return
	}
	switch {
	case kind == "saas-data" && id == "" && r.Method == http.MethodPost:
		f.createData(w, r, org)
	case kind == "saas-data" && id != "" && r.Method == http.MethodPatch:
		f.upload(w, r, id)
	case kind == "saas-data" && id != "" && r.Method == http.MethodGet:
		d := f.data[id]
		if d == nil {
			goaErr(w, 404, "saasdata_not_found", "no such SaaSData")
			return
		}
		status := "pending"
		if d.uploaded {
			status = "uploaded"
		}
		_ = json.NewEncoder(w).Encode(flexera.SaaSData{ID: d.id, Name: d.fileName, Checksum: d.checksum, ContentEncoding: "gzip", Status: status})
	case kind == "import-jobs" && id == "" && r.Method == http.MethodPost:
		f.createJob(w, r, org)
	case kind == "import-jobs" && id != "" && r.Method == http.MethodGet:
		f.getJob(w, id)
	case kind == "managed-apps" && r.Method == http.MethodGet:
		f.listApps(w, r, org, id)
	default:
		goaErr(w, 404, "not_found", "no route "+r.Method+" "+r.URL.Path)
	}
}

func (f *fakeFlexera) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		f.problem("token request: %s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
	}
	if err := r.ParseForm(); err != nil {
		f.problem("token form: %v", err)
	}
	f.tokenForms = append(f.tokenForms, r.PostForm)
	if n := f.throttle["POST token"]; n > 0 {
		f.throttle["POST token"] = n - 1
		w.Header().Set("Retry-After", f.retryAfter)
		goaErr(w, 429, "too_many_requests", "slow down")
		return
	}
	ok := false
	switch r.PostForm.Get("grant_type") {
	case "refresh_token":
		ok = r.PostForm.Get("refresh_token") == f.refreshToken
	case "client_credentials":
		ok = r.PostForm.Get("client_id") == f.clientID && r.PostForm.Get("client_secret") == f.clientSecret
	}
	if !ok {
		// A careless server that echoes what it got: the client must scrub it.
		goaErr(w, 400, "invalid_grant", "bad credentials: "+r.PostForm.Get("refresh_token")+r.PostForm.Get("client_secret"))
		return
	}
	f.issued++
	tok := "access-" + strconv.Itoa(f.issued)
	f.valid[tok] = true
	exp := f.expiresIn
	if exp == nil {
		exp = 3600
	}
	body := map[string]any{"access_token": tok, "expires_in": exp, "token_type": "Bearer", "refresh_token": r.PostForm.Get("refresh_token")}
	if exp == "" {
		delete(body, "expires_in") // "" stands for a response without expires_in
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

// revokeAll makes every issued access token invalid (as after expiry).
func (f *fakeFlexera) revokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.valid)
}

func (f *fakeFlexera) createData(w http.ResponseWriter, r *http.Request, org string) {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		f.problem("create SaaSData: Content-Type %q", ct)
	}
	var body map[string]string
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || body["fileName"] == "" || len(body) != 1 {
		f.problem("create SaaSData: body %v (err %v)", body, err)
		goaErr(w, 400, "bad_request", "fileName required")
		return
	}
	for _, d := range f.data {
		if d.fileName == body["fileName"] {
			f.problem("create SaaSData: fileName %q not unique", d.fileName)
		}
	}
	id := fmt.Sprintf("sd%04d", len(f.data)+1)
	f.data[id] = &fakeData{id: id, fileName: body["fileName"]}
	f.dataOrder = append(f.dataOrder, id)
	w.Header().Set("Location", "/saas/v1/orgs/"+org+"/saas-data/"+id)
	w.WriteHeader(http.StatusCreated)
}

// discoveryFields are the ApplicationDiscovery fields (true: required).
var discoveryFields = map[string]bool{"ssoAppName": true, "ssoAppDisplayName": true, "ssoAppId": false, "appInstanceId": true, "ssoAppAdditional": false, "appInstanceAdditional": false}

var rosterFields = map[string]bool{"uniqueId": true, "email": true, "firstName": true, "lastName": true, "activatedAt": true, "deactivatedAt": false, "lastActivityAt": false, "skus": false}

func (f *fakeFlexera) upload(w http.ResponseWriter, r *http.Request, id string) {
	d := f.data[id]
	if d == nil {
		goaErr(w, 404, "saasdata_not_found", "no such SaaSData")
		return
	}
	if d.uploaded {
		goaErr(w, 423, "saasdata_locked", "Once data is uploaded to the entity, this endpoint will not allow you to call this action again")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		f.problem("upload: Content-Type %q", ct)
	}
	if ce := r.Header.Get("Content-Encoding"); ce != "gzip" {
		f.problem("upload: Content-Encoding %q", ce)
	}
	body, _ := io.ReadAll(r.Body)
	sum := md5.Sum(body)
	if got, want := r.Header.Get("Checksum"), hex.EncodeToString(sum[:]); got != want {
		f.problem("upload %s: Checksum %q, MD5 of the %d bytes received is %q", id, got, len(body), want)
		goaErr(w, 422, "unprocessable_entity", "checksum mismatch")
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		f.problem("upload %s: not gzip: %v", id, err)
		goaErr(w, 422, "unprocessable_entity", "not gzip")
		return
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		f.problem("upload %s: bad gzip: %v", id, err)
	}
	var recs []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(plain))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			f.problem("upload %s line %d: not JSON: %v", id, n, err)
			continue
		}
		fields, task := rosterFields, flexera.TaskApplicationRoster
		if _, ok := m["ssoAppName"]; ok {
			fields, task = discoveryFields, flexera.TaskApplicationDiscovery
		}
		if n > 1 && task != d.task {
			f.problem("upload %s line %d: %s record in a %s file", id, n, task, d.task)
		}
		d.task = task
		for k := range m {
			if _, known := fields[k]; !known {
				f.problem("upload %s line %d: unknown field %q", id, n, k)
			}
		}
		for k, req := range fields {
			if _, ok := m[k]; req && !ok {
				f.problem("upload %s line %d: missing %q", id, n, k)
			}
		}
		for _, k := range []string{"activatedAt", "deactivatedAt", "lastActivityAt"} {
			if s, ok := m[k].(string); ok {
				if _, err := time.Parse("2006-01-02T15:04:05.000Z", s); err != nil {
					f.problem("upload %s line %d: %s %q not ISO-8601 UTC", id, n, k, s)
				}
			}
		}
		recs = append(recs, m)
	}
	if len(plain) > 0 && plain[len(plain)-1] != '\n' {
		f.problem("upload %s: last line not terminated", id)
	}
	d.body, d.checksum, d.records, d.uploaded = body, hex.EncodeToString(sum[:]), recs, true
	if f.lostPatch {
		f.lostPatch = false
		w.Header().Set("Retry-After", "0")
		goaErr(w, 429, "too_many_requests", "response lost")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (f *fakeFlexera) createJob(w http.ResponseWriter, r *http.Request, org string) {
	if f.failJobCreate > 0 {
		f.failJobCreate--
		goaErr(w, 500, "internal_error", "job service unavailable")
		return
	}
	var req flexera.ImportJobRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		f.problem("create job: %v", err)
		goaErr(w, 400, "bad_request", err.Error())
		return
	}
	if err := req.Validate(); err != nil {
		f.problem("create job: %v", err)
	}
	for _, s := range req.SaaSDataList {
		if d := f.data[s.Name]; d == nil || !d.uploaded {
			f.problem("create job: saasDataList name %q is not an uploaded SaaSData id", s.Name)
		} else if d.task != req.ImportSettings.TaskName {
			f.problem("create job: %s job names SaaSData %q of %s records", req.ImportSettings.TaskName, s.Name, d.task)
		}
	}
	if req.ImportSettings.TaskName == flexera.TaskApplicationDiscovery && req.ImportSettings.LoadType != flexera.LoadFull {
		f.problem("create job: ApplicationDiscovery is full only, got %s", req.ImportSettings.LoadType)
	}
	if req.ImportSettings.LoadType != flexera.LoadFull {
		for _, s := range req.SaaSDataList {
			if d := f.data[s.Name]; d != nil && slices.ContainsFunc(d.records, func(r map[string]any) bool { return r["skus"] != nil }) {
				f.problem("create job: incremental roster %q carries skus (Flexera forces a full load)", s.Name)
			}
		}
	}
	n := len(f.jobs) + 1
	id := strings.Repeat("A", 24) + string(rune('A'+n/26)) + string(rune('A'+n%26))
	f.jobs[id] = &fakeJob{req: req, id: id}
	f.jobOrder = append(f.jobOrder, id)
	w.Header().Set("Location", "/saas/v1/orgs/"+org+"/imports-jobs/"+id) // sic, as in Flexera's example
	w.WriteHeader(http.StatusCreated)
}

func (f *fakeFlexera) getJob(w http.ResponseWriter, id string) {
	j := f.jobs[id]
	if j == nil {
		goaErr(w, 404, "import_job_id_not_found", "no such job")
		return
	}
	j.polls++
	need := max(f.pollsToFinish, 1)
	out := flexera.ImportJob{ID: id, CreatedAt: "2026-01-02T03:04:05Z", ImportSettings: j.req.ImportSettings}
	switch {
	case j.polls < need/2+1 && j.polls < need:
		out.Status = "queued"
	case j.polls < need:
		out.Status = "running"
	case f.finalStatus == "failed":
		out.Status, out.Errors = "failed", f.jobErrors
	default:
		out.Status = "completed"
	}
	_ = json.NewEncoder(w).Encode(out)
}

func (f *fakeFlexera) listApps(w http.ResponseWriter, r *http.Request, org, id string) {
	if id != "" {
		for _, a := range f.apps {
			if a.ID == id {
				_ = json.NewEncoder(w).Encode(a)
				return
			}
		}
		goaErr(w, 404, "application_not_found", "no such app")
		return
	}
	per := max(f.appsPerPage, 1)
	start, _ := strconv.Atoi(r.URL.Query().Get("skipToken"))
	end := min(start+per, len(f.apps))
	page := map[string]any{"values": f.apps[start:end]}
	if end < len(f.apps) {
		page["nextPage"] = f.nextPageAbs + "/saas/v1/orgs/" + org + "/managed-apps?skipToken=" + strconv.Itoa(end)
	}
	_ = json.NewEncoder(w).Encode(page)
}

// sent returns the records of every uploaded file, in upload order.
func (f *fakeFlexera) sent() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]any
	for _, id := range f.dataOrder {
		out = append(out, f.data[id].records...)
	}
	return out
}

// sentIDs returns the uniqueId of every uploaded record, sorted.
func (f *fakeFlexera) sentIDs() []string {
	var ids []string
	for _, r := range f.sent() {
		ids = append(ids, r["uniqueId"].(string))
	}
	slices.Sort(ids)
	return ids
}

func (f *fakeFlexera) check(t testing.TB) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.problems {
		t.Errorf("protocol: %s", p)
	}
}

func (f *fakeFlexera) count(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
