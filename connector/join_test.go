package connector

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/paginate"
)

// joinVendor serves a users listing (cursor_limit: ?cursor=&limit=,
// "members", "response_metadata.next_cursor") and a log listing
// (page_number: ?page=&count=, "logins", "paging.pages"), Slack's
// users.list and team.accessLogs shapes, and counts requests by path.
type joinVendor struct {
	users, rows []map[string]any
	failPage    int // a log page answered 500
	mu          sync.Mutex
	requests    map[string]int
}

func (v *joinVendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	if v.requests == nil {
		v.requests = map[string]int{}
	}
	v.requests[r.URL.Path]++
	v.mu.Unlock()
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/users.list":
		from, _ := strconv.Atoi(q.Get("cursor"))
		n, _ := strconv.Atoi(q.Get("limit"))
		to := min(from+n, len(v.users))
		next := ""
		if to < len(v.users) {
			next = strconv.Itoa(to)
		}
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "members": v.users[from:to], "response_metadata": map[string]any{"next_cursor": next}})
	case "/team.accessLogs":
		page, _ := strconv.Atoi(q.Get("page"))
		n, _ := strconv.Atoi(q.Get("count"))
		if page == v.failPage {
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"ok":false}`))
			return
		}
		from := min((page-1)*n, len(v.rows))
		to := min(from+n, len(v.rows))
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "logins": v.rows[from:to], "paging": map[string]any{"pages": (len(v.rows) + n - 1) / n, "page": page}})
	default:
		http.NotFound(w, r)
	}
}

func (v *joinVendor) count(path string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.requests[path]
}

// joinTemplate is a users listing on joinVendor with fields and join (the
// JSON of the join list).
func joinTemplate(fields, join string) string {
	return `{"version": 1, "name": "Joined", "auth": {"method": "none"},
  "settings": [{"name": "base_url"}],
  "request": {"users_url": "{base_url}/users.list"},
  "pagination": {"type": "cursor_limit", "cursor_field": "cursor", "cursor_path": "response_metadata.next_cursor", "limit_field": "limit", "page_size": 2},
  "response": {"records_path": "members", "fields": ` + fields + `},
  "join": ` + join + `}`
}

// accessJoin is the access-log join's pagination and response.
const accessPaging = `"request": {"url": "{base_url}/team.accessLogs"},
  "pagination": {"type": "page_number", "page_field": "page", "page_size_field": "count", "page_size": 2, "total_pages_path": "paging.pages"},
  "response": {"records_path": "logins"}`

func newJoinConnector(t testing.TB, v *joinVendor, tmplJSON string) *Connector {
	t.Helper()
	srv := httptest.NewServer(v)
	t.Cleanup(srv.Close)
	tmpl, err := ParseTemplate([]byte(tmplJSON))
	if err != nil {
		t.Fatalf("ParseTemplate: %v", err)
	}
	c, err := New(tmpl, "joined", Settings{"base_url": srv.URL})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func runUsers(t *testing.T, c *Connector) ([]saasconnect.User, Report, error) {
	t.Helper()
	var users []saasconnect.User
	rep, err := c.Run(t.Context(), func(u saasconnect.User) error {
		users = append(users, u)
		return nil
	})
	return users, rep, err
}

// A Slack-shaped users.list joined with team.accessLogs: last activity is
// the latest date_last of the user's rows, with count, collect and first
// beside it; the log is walked exactly once across the three users pages.
func TestJoinSlackAccessLogs(t *testing.T) {
	v := &joinVendor{
		users: []map[string]any{
			{"id": "U1", "profile": map[string]any{"email": "ann@x.io"}},
			{"id": "U2", "profile": map[string]any{"email": "bob@x.io"}},
			{"id": "U3", "profile": map[string]any{"email": "cy@x.io"}}, // no log row: a left join
			{"id": "U4", "profile": map[string]any{"email": "di@x.io"}},
			{"id": "U5", "profile": map[string]any{"email": "ed@x.io"}},
		},
		rows: []map[string]any{
			{"user_id": "U1", "date_last": 1700000000, "ip": "10.0.0.1"},
			{"user_id": "U2", "date_last": 1710000000, "ip": "10.0.0.2"},
			{"user_id": "U1", "date_last": 1720000000, "ip": "10.0.0.3"},
			{"user_id": "UX", "date_last": 1730000000, "ip": "10.0.0.9"}, // matches no user
			{"user_id": "U1", "date_last": 1710000000, "ip": "10.0.0.1"},
			{"user_id": "U4", "date_last": 0, "ip": nil}, // never, no ip
		},
	}
	c := newJoinConnector(t, v, joinTemplate(
		`{"id": "id", "email": "profile.email", "last_activity": "_join.access.last_seen",
		  "logins": "_join.access.logins", "ips": "_join.access.ips", "first_ip": "_join.access.first_ip"}`,
		`[{"name": "access", `+accessPaging+`, "key": "user_id", "on": "id",
		  "fields": {"last_seen": {"path": "date_last", "reduce": "latest"}, "logins": {"reduce": "count"},
		    "ips": {"path": "ip", "reduce": "collect"}, "first_ip": {"path": "ip", "reduce": "first"}}}]`))
	users, rep, err := runUsers(t, c)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	type got struct {
		ID    string
		Last  time.Time
		Extra map[string]any
	}
	var gots []got
	for _, u := range users {
		gots = append(gots, got{u.ID, u.LastActivity, u.Extra})
	}
	want := []got{
		{"U1", time.Unix(1720000000, 0).UTC(), map[string]any{"logins": json.Number("3"), "ips": []any{"10.0.0.1", "10.0.0.3"}, "first_ip": "10.0.0.1"}},
		{"U2", time.Unix(1710000000, 0).UTC(), map[string]any{"logins": json.Number("1"), "ips": []any{"10.0.0.2"}, "first_ip": "10.0.0.2"}},
		{"U3", time.Time{}, map[string]any{"logins": json.Number("0")}},
		{"U4", time.Time{}, map[string]any{"logins": json.Number("1")}},
		{"U5", time.Time{}, map[string]any{"logins": json.Number("0")}},
	}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	if n := v.count("/team.accessLogs"); n != 3 {
		t.Errorf("access log requests = %d, want 3 (walked once: three pages)", n)
	}
	if n := v.count("/users.list"); n != 3 {
		t.Errorf("users requests = %d, want 3", n)
	}
	if rep.Requests != 6 || rep.Pages != 6 || rep.Seen != 5 || rep.Kept != 5 {
		t.Errorf("report requests %d, pages %d, seen %d, kept %d; want 6, 6, 5, 5", rep.Requests, rep.Pages, rep.Seen, rep.Kept)
	}

	// Each run walks the join again, once.
	if _, _, err := runUsers(t, c); err != nil {
		t.Fatalf("second Run: %v", err)
	}
	if n := v.count("/team.accessLogs"); n != 6 {
		t.Errorf("access log requests after two runs = %d, want 6", n)
	}
}

// A Figma-shaped activity log keyed by the actor's email: with match fold
// the emails match whatever their case; with exact they do not.
func TestJoinEmailMatch(t *testing.T) {
	for _, tc := range []struct {
		match string
		want  []time.Time
	}{
		{"fold", []time.Time{time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), {}}},
		{"exact", []time.Time{{}, {}}},
		{"", []time.Time{{}, {}}},
	} {
		t.Run("match "+tc.match, func(t *testing.T) {
			v := &joinVendor{
				users: []map[string]any{{"id": "1", "email": "Ann@Example.com"}, {"id": "2", "email": "bob@example.com"}},
				rows: []map[string]any{
					{"actor": map[string]any{"email": "ann@example.COM "}, "timestamp": "2026-11-01T10:00:00Z"},
					{"actor": map[string]any{"email": "ANN@example.com"}, "timestamp": "2026-11-02T09:00:00Z"},
					{"actor": map[string]any{"email": "ann@example.com"}, "timestamp": "not a time"},
				},
			}
			match := ""
			if tc.match != "" {
				match = `"match": "` + tc.match + `", `
			}
			c := newJoinConnector(t, v, joinTemplate(`{"id": "id", "email": "email", "last_activity": "_join.activity.last"}`,
				`[{"name": "activity", `+accessPaging+`, "key": "actor.email", "on": "email", `+match+`
				  "fields": {"last": {"path": "timestamp", "reduce": "latest"}}}]`))
			users, _, err := runUsers(t, c)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			var got []time.Time
			for _, u := range users {
				got = append(got, u.LastActivity)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("last activity (-want +got):\n%s", diff)
			}
		})
	}
}

// A failed join page fails the run before any user is delivered.
func TestJoinFailedPage(t *testing.T) {
	v := &joinVendor{
		users:    []map[string]any{{"id": "U1"}},
		rows:     []map[string]any{{"user_id": "U1"}, {"user_id": "U1"}, {"user_id": "U1"}},
		failPage: 2,
	}
	c := newJoinConnector(t, v, joinTemplate(`{"id": "id", "n": "_join.access.n"}`,
		`[{"name": "access", `+accessPaging+`, "key": "user_id", "on": "id", "fields": {"n": {"reduce": "count"}}}]`))
	users, rep, err := runUsers(t, c)
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusInternalServerError {
		t.Fatalf("Run error = %v, want an *HTTPError 500", err)
	}
	if !strings.Contains(err.Error(), `join "access"`) {
		t.Errorf("error %q does not name the join", err)
	}
	if len(users) != 0 || rep.Status != Failed || v.count("/users.list") != 0 {
		t.Errorf("users %d, status %s, users requests %d; want 0, failed, 0", len(users), rep.Status, v.count("/users.list"))
	}
}

// Filters see the joined values: they are merged before filters and
// mapping.
func TestJoinBeforeFilters(t *testing.T) {
	v := &joinVendor{
		users: []map[string]any{{"id": "U1"}, {"id": "U2"}},
		rows:  []map[string]any{{"user_id": "U2", "seat": "full"}},
	}
	tmpl := strings.Replace(joinTemplate(`{"id": "id"}`,
		`[{"name": "seats", `+accessPaging+`, "key": "user_id", "on": "id", "fields": {"seat": {"path": "seat", "reduce": "first"}}}]`),
		`"join":`, `"filters": [{"field": "_join.seats.seat", "operator": "equal", "value": "full"}], "join":`, 1)
	users, rep, err := runUsers(t, newJoinConnector(t, v, tmpl))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(users) != 1 || users[0].ID != "U2" || rep.Filtered != 1 {
		t.Errorf("users %v, filtered %d; want U2 only, 1 filtered", users, rep.Filtered)
	}
}

// A resource listing joins as the users listing does: licenses gain the
// number of assignment rows of their sku.
func TestJoinResourceListing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/users":
			w.Write([]byte(`{"users": []}`))
		case "/licenses":
			w.Write([]byte(`{"value": [{"skuId": "E3"}, {"skuId": "E5"}]}`))
		case "/assignments":
			w.Write([]byte(`{"rows": [{"sku": "E3"}, {"sku": "E3"}, {"sku": "E1"}]}`))
		}
	}))
	defer srv.Close()
	tmpl := MustParseTemplate([]byte(`{"version": 1, "name": "T", "auth": {"method": "none"}, "settings": [{"name": "base_url"}],
  "request": {"users_url": "{base_url}/users"}, "response": {"records_path": "users", "fields": {"id": "id"}},
  "licenses": {"request": {"url": "{base_url}/licenses"}, "response": {"records_path": "value", "fields": {"id": "skuId", "assigned": "_join.a.n"}},
    "join": [{"name": "a", "request": {"url": "{base_url}/assignments"}, "response": {"records_path": "rows"}, "key": "sku", "on": "skuId",
      "fields": {"n": {"reduce": "count"}}}]}}`))
	c, err := New(tmpl, "t", Settings{"base_url": srv.URL})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var got []saasconnect.License
	rep, err := c.RunResource(t.Context(), ResourceLicenses, Sinks{Licenses: func(l saasconnect.License) error {
		got = append(got, l)
		return nil
	}})
	if err != nil {
		t.Fatalf("RunResource: %v", err)
	}
	want := []saasconnect.License{{ID: "E3", Assigned: intp(2), Connector: "t"}, {ID: "E5", Assigned: intp(0), Connector: "t"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("licenses (-want +got):\n%s", diff)
	}
	if rep.Pages != 2 || rep.Requests != 2 {
		t.Errorf("report pages %d, requests %d; want 2, 2", rep.Pages, rep.Requests)
	}
}

// collect keeps at most MaxJoinCollect distinct values per key.
func TestJoinCollectCap(t *testing.T) {
	j := &joinListing{name: "j", key: mustPath("k"), on: mustPath("id"), names: []string{"v"}, paths: []*jsonpath.Path{mustPath("v")}, reducers: []string{ReduceCollect}}
	tab := &joinTable{j: j, rows: map[string][]joinAcc{}}
	for i := range MaxJoinCollect + 10 {
		tab.add(map[string]any{"k": "a", "v": json.Number(strconv.Itoa(i))})
		tab.add(map[string]any{"k": "a", "v": json.Number(strconv.Itoa(i))}) // a duplicate
	}
	rec := map[string]any{"id": "a"}
	mergeJoins(rec, []*joinTable{tab})
	vs := rec["_join"].(map[string]any)["j"].(map[string]any)["v"].([]any)
	if len(vs) != MaxJoinCollect || vs[0] != json.Number("0") || vs[len(vs)-1] != json.Number(strconv.Itoa(MaxJoinCollect-1)) {
		t.Errorf("collected %d values, %v..%v; want %d, 0..%d", len(vs), vs[0], vs[len(vs)-1], MaxJoinCollect, MaxJoinCollect-1)
	}
}

// joinText reads keys as text: numbers as written, so a numeric id joins a
// string one.
func TestJoinText(t *testing.T) {
	for _, tc := range []struct {
		v    any
		fold bool
		want string
		ok   bool
	}{
		{"U1", false, "U1", true},
		{" Ann@X.io ", true, "ann@x.io", true},
		{" Ann@X.io ", false, " Ann@X.io ", true},
		{json.Number("42"), false, "42", true},
		{float64(42), false, "42", true},
		{true, false, "true", true},
		{nil, false, "", false},
		{map[string]any{"a": "b"}, false, "", false},
	} {
		got, ok := joinText(tc.v, tc.fold)
		if got != tc.want || ok != tc.ok {
			t.Errorf("joinText(%#v, %v) = %q, %v; want %q, %v", tc.v, tc.fold, got, ok, tc.want, tc.ok)
		}
	}
}

// The join decoder keeps the paths the join reads in its rows and pages.
func TestJoinBodyPaths(t *testing.T) {
	s := JoinSpec{Key: "user.id", Fields: map[string]JoinField{"a": {Path: "date_last", Reduce: "latest"}, "n": {Reduce: "count"}},
		Pagination: pagingFor("cursor_limit", "$last.cursor"), Response: JoinResponse{SuccessPath: "ok", ErrorMessagePath: "error"}}
	rec, doc := s.rowPaths(), s.docPaths()
	for _, p := range []string{"user.id", "date_last", "cursor"} {
		if !slices.Contains(rec, p) {
			t.Errorf("row paths %v lack %q", rec, p)
		}
	}
	for _, p := range []string{"ok", "error"} {
		if !slices.Contains(doc, p) {
			t.Errorf("document paths %v lack %q", doc, p)
		}
	}
	s.Pagination = pagingFor("cursor_limit", "next.cursor")
	if doc := s.docPaths(); !slices.Contains(doc, "next.cursor") {
		t.Errorf("document paths %v lack the cursor path", doc)
	}
}

func TestJoinValidate(t *testing.T) {
	tests := []struct {
		name, join string
		want       []string // error paths
	}{
		{"valid", `[{"name": "a", "request": {"url": "{base_url}/log"}, "response": {"records_path": "rows"}, "key": "k", "on": "id", "fields": {"n": {"reduce": "count"}}}]`, nil},
		{"missing everything", `[{}]`, []string{"join[0].fields", "join[0].key", "join[0].name", "join[0].on", "join[0].request.url"}},
		{"bad reductions", `[{"name": "a", "request": {"url": "{base_url}/log"}, "key": "k", "on": "id", "match": "email",
			"fields": {"last_seen": {"path": "d", "reduce": "max"}, "f": {"reduce": "first"}, "c": {"path": "x"}}}]`,
			[]string{"join[0].fields.c.reduce", "join[0].fields.f.path", "join[0].fields.last_seen.reduce", "join[0].match"}},
		{"duplicate names and bad paths", `[{"name": "a", "request": {"url": "{base_url}/log"}, "key": "k[", "on": "id", "fields": {"n": {"reduce": "count"}}},
			{"name": "a", "request": {"url": "{base_url}/log", "method": "FETCH"}, "key": "k", "on": "id", "fields": {"n": {"reduce": "count"}}}]`,
			[]string{"join[0].key", "join[1].name", "join[1].request.method"}},
		{"bad response paths and time format", `[{"name": "a", "request": {"url": "{base_url}/log"}, "response": {"records_path": "rows[", "error_message_path": "m", "time_format": "yesterday"},
			"key": "k", "on": "id", "fields": {"n": {"reduce": "count"}}}]`,
			[]string{"join[0].response.error_message_path", "join[0].response.records_path", "join[0].response.time_format"}},
		{"a name that is no identifier", `[{"name": "a.b", "request": {"url": "{base_url}/log"}, "key": "k", "on": "id", "fields": {"n": {"reduce": "count"}}}]`,
			[]string{"join[0].name"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := ParseTemplate([]byte(joinTemplate(`{"id": "id"}`, tc.join)))
			if err == nil {
				err = tmpl.Validate()
			}
			var got []string
			for _, e := range unjoin(err) {
				var te *TemplateError
				if !errors.As(e, &te) {
					t.Fatalf("error %v is no *TemplateError", e)
				}
				got = append(got, te.Path)
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
	// A resource listing's join is located under its block.
	tmpl := MustParseTemplate([]byte(resourcesJSON))
	tmpl.Licenses.Join = []JoinSpec{{Name: "a", Request: RequestSpec{URL: "{base_url}/x"}, Key: "k", On: "id", Fields: map[string]JoinField{"n": {Reduce: "sum"}}}}
	var te *TemplateError
	if err := tmpl.Validate(); !errors.As(err, &te) || te.Path != "licenses.join[0].fields.n.reduce" {
		t.Errorf("Validate = %v, want an error at licenses.join[0].fields.n.reduce", err)
	}
}

// BenchmarkJoin100k joins 100k users with 100k log rows (two per user for
// half of them), reporting the heap the join table holds.
func BenchmarkJoin100k(b *testing.B) {
	const n = 100_000
	v := &joinVendor{}
	for i := range n {
		v.users = append(v.users, map[string]any{"id": fmt.Sprintf("U%06d", i)})
	}
	for i := range n {
		v.rows = append(v.rows, map[string]any{"user_id": fmt.Sprintf("U%06d", i/2*2), "date_last": 1700000000 + i, "ip": fmt.Sprintf("10.0.%d.%d", i%7, i%5)})
	}
	tmpl := strings.ReplaceAll(joinTemplate(`{"id": "id", "last_activity": "_join.access.last", "logins": "_join.access.n", "ips": "_join.access.ips"}`,
		`[{"name": "access", `+accessPaging+`, "key": "user_id", "on": "id",
		  "fields": {"last": {"path": "date_last", "reduce": "latest"}, "n": {"reduce": "count"}, "ips": {"path": "ip", "reduce": "collect"}}}]`),
		`"page_size": 2`, `"page_size": 1000`)
	c := newJoinConnector(b, v, tmpl)
	var heap float64
	for b.Loop() {
		var st walkState
		before := heapAlloc()
		tables, err := c.loadJoins(b.Context(), c.joins, &st)
		if err != nil {
			b.Fatal(err)
		}
		heap = float64(heapAlloc() - before)
		if len(tables[0].rows) != n/2 {
			b.Fatalf("%d keys, want %d", len(tables[0].rows), n/2)
		}
		rep, err := c.Run(b.Context(), func(saasconnect.User) error { return nil })
		if err != nil || rep.Kept != n {
			b.Fatalf("Run: kept %d, %v", rep.Kept, err)
		}
		runtime.KeepAlive(tables)
	}
	b.ReportMetric(heap/(1<<20), "join-heap-MiB")
	b.ReportMetric(heap/(n/2), "join-B/key")
}

// heapAlloc returns the live heap after a collection.
func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func mustPath(expr string) *jsonpath.Path { return jsonpath.MustCompile(expr) }

// pagingFor is a cursor_limit pagination reading the cursor at cursorPath.
func pagingFor(typ, cursorPath string) paginate.Config {
	return paginate.Config{Type: paginate.Type(typ), CursorField: "cursor", CursorPath: cursorPath, LimitField: "limit", PageSize: 10}
}
