package paginate

// Fake vendor APIs shaped like the real ones (see the project's research
// notes, shared/reference/vendors.md), serving generated users, and a
// FetchPage that decodes them the way the connector does.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// people returns n generated user records, ids id-001, id-002, ...
func people(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"id": userID(i), "email": fmt.Sprintf("user%d@example.com", i+1)}
	}
	return out
}

func userID(i int) string { return fmt.Sprintf("id-%03d", i+1) }

// indexAfter returns the index following the user with id, or -1.
func indexAfter(n int, id string) int {
	for i := range n {
		if userID(i) == id {
			return i + 1
		}
	}
	return -1
}

func atoi(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// A recorder is a fake vendor server that records what it was asked.
type recorder struct {
	*httptest.Server
	mu     sync.Mutex
	uris   []string         // request URI of each request
	bodies []map[string]any // decoded JSON body of each request (nil for none)
}

func serve(t *testing.T, h http.HandlerFunc) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if r.Body != nil {
			raw, _ := io.ReadAll(r.Body)
			if len(raw) > 0 {
				if err := json.Unmarshal(raw, &body); err != nil {
					http.Error(w, "bad JSON body", http.StatusBadRequest)
					return
				}
			}
			r.Body = io.NopCloser(bytes.NewReader(raw))
		}
		rec.mu.Lock()
		rec.uris = append(rec.uris, r.URL.RequestURI())
		rec.bodies = append(rec.bodies, body)
		rec.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.uris)
}

// okta serves n users as Okta's /api/v1/users: a top-level array, `limit`,
// and the opaque `after` cursor only inside the Link header's rel="next"
// (sent, as Okta does, as a separate Link header line after rel="self").
func okta(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit := atoi(q.Get("limit"), 200)
		from := 0
		if a := q.Get("after"); a != "" {
			if from = indexAfter(n, a); from < 0 {
				http.Error(w, "bad after", http.StatusBadRequest)
				return
			}
		}
		to := min(from+limit, n)
		base := "http://" + r.Host
		w.Header().Add("Link", fmt.Sprintf(`<%s%s>; rel="self"`, base, r.URL.RequestURI()))
		if to < n {
			w.Header().Add("Link", fmt.Sprintf(`<%s/api/v1/users?after=%s&limit=%d>; rel="next"`, base, userID(to-1), limit))
		}
		writeJSON(w, all[from:to])
	}
}

// webex serves n people as Webex's /v1/people: `items`, `max`, and a
// relative next link (RFC 8288 allows one; it is resolved against the
// request URL).
func webex(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit := atoi(q.Get("max"), 100)
		from := atoi(q.Get("cursor"), 0)
		to := min(from+limit, n)
		if to < n {
			w.Header().Set("Link", fmt.Sprintf(`<people?max=%d&cursor=%d>; rel="next"`, limit, to))
		}
		writeJSON(w, map[string]any{"items": all[from:to], "notFoundIds": []any{}})
	}
}

// graph serves n users as Microsoft Graph's /v1.0/users: `value`, `$top`,
// and an absolute `@odata.nextLink` carrying a `$skiptoken`.
func graph(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		top := atoi(q.Get("$top"), 100)
		from := 0
		if s := q.Get("$skiptoken"); s != "" {
			from = atoi(strings.TrimPrefix(s, "X'"), -1)
		}
		to := min(from+top, n)
		body := map[string]any{
			"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,mail)",
			"value":          all[from:to],
		}
		if to < n {
			body["@odata.nextLink"] = fmt.Sprintf("http://%s/v1.0/users?$select=%s&$top=%d&$skiptoken=X'%d", r.Host, q.Get("$select"), top, to)
		}
		writeJSON(w, body)
	}
}

// slack serves n members as Slack's users.list: `members`, `limit`,
// `cursor`, and response_metadata.next_cursor ("" on the last page).
func slack(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit := atoi(q.Get("limit"), 100)
		from := 0
		if c := q.Get("cursor"); c != "" {
			raw, _ := base64.StdEncoding.DecodeString(c)
			from = indexAfter(n, strings.TrimPrefix(string(raw), "user:"))
		}
		to := min(from+limit, n)
		next := ""
		if to < n {
			next = base64.StdEncoding.EncodeToString([]byte("user:" + userID(to-1)))
		}
		writeJSON(w, map[string]any{"ok": true, "members": all[from:to], "response_metadata": map[string]any{"next_cursor": next}})
	}
}

// namely serves n profiles as Namely's /api/v1/profiles: `profiles`,
// `limit`, `after` = the id of the last record seen, and meta.count.
func namely(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit := atoi(q.Get("limit"), 30)
		from := 0
		if a := q.Get("after"); a != "" {
			from = indexAfter(n, a)
		}
		to := min(from+limit, n)
		writeJSON(w, map[string]any{"profiles": all[from:to], "meta": map[string]any{"count": n, "status": 200}})
	}
}

// practitest serves n users as PractiTest's /api/v2/users.json: JSON:API
// `data`, page[number] from 1, page[size], and meta.total-pages.
func practitest(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, size := atoi(q.Get("page[number]"), 1), atoi(q.Get("page[size]"), 100)
		from := min((page-1)*size, n)
		to := min(from+size, n)
		pages := (n + size - 1) / size
		var next any
		if page < pages {
			next = page + 1
		}
		writeJSON(w, map[string]any{"data": all[from:to], "links": map[string]any{}, "meta": map[string]any{
			"current-page": page, "next-page": next, "total-pages": pages, "total-count": n,
		}})
	}
}

// cyberark serves n users as CyberArk Identity's POST /Redrock/query:
// paging in the JSON body (Args.PageNumber from 1, Args.PageSize), records
// at Result.Results[].Row, total at Result.Count.
func cyberark(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Script string
			Args   struct{ PageNumber, PageSize int }
		}
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil || req.Script == "" || req.Args.PageNumber < 1 {
			http.Error(w, "bad query", http.StatusBadRequest)
			return
		}
		from := min((req.Args.PageNumber-1)*req.Args.PageSize, n)
		to := min(from+req.Args.PageSize, n)
		rows := []any{}
		for _, u := range all[from:to] {
			rows = append(rows, map[string]any{"Row": u})
		}
		writeJSON(w, map[string]any{"success": true, "Result": map[string]any{"Count": n, "Results": rows}})
	}
}

// oracle serves n user accounts as Oracle's ADF REST: `items`, `offset`,
// `limit`, `hasMore` (as a string when asString, as Webex-style APIs do).
func oracle(n int, asString bool) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		offset, limit := atoi(q.Get("offset"), 0), atoi(q.Get("limit"), 25)
		from := min(offset, n)
		to := min(from+limit, n)
		var more any = to < n
		if asString {
			more = strconv.FormatBool(to < n)
		}
		writeJSON(w, map[string]any{"items": all[from:to], "count": to - from, "hasMore": more, "limit": limit, "offset": offset})
	}
}

// domo serves n users as Domo's /v1/users: a top-level array, `offset`,
// `limit`, and no total: only a short or empty page ends the listing.
func domo(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		offset, limit := atoi(q.Get("offset"), 0), atoi(q.Get("limit"), 50)
		from := min(offset, n)
		writeJSON(w, all[from:min(from+limit, n)])
	}
}

// jsonFetch is a FetchPage like the connector's: it sends the request,
// fails on a non-200 status, decodes the body with UseNumber and takes the
// records at recordsPath ("" for a top-level array), unwrapping rowKey
// objects when rowKey is set (CyberArk's Results[].Row).
func jsonFetch(client *http.Client, recordsPath, rowKey string) FetchPage {
	rp := jsonpath.MustCompile(recordsPath)
	return func(ctx context.Context, req *http.Request) (Response, error) {
		resp, err := client.Do(req)
		if err != nil {
			return Response{}, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return Response{}, fmt.Errorf("%s %s: status %d", req.Method, req.URL, resp.StatusCode)
		}
		dec := json.NewDecoder(resp.Body)
		dec.UseNumber()
		var body any
		if err := dec.Decode(&body); err != nil {
			return Response{}, err
		}
		out := Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
		if v, ok := rp.Get(body); ok && v != nil {
			recs, ok := v.([]any)
			if !ok {
				return Response{}, fmt.Errorf("records at %q: not an array", recordsPath)
			}
			if rowKey != "" {
				for i, r := range recs {
					recs[i] = r.(map[string]any)[rowKey]
				}
			}
			out.Records = recs
		}
		return out, nil
	}
}

// ids returns the "id" of every record of every response.
func ids(resps []Response) []string {
	var out []string
	for _, r := range resps {
		for _, rec := range r.Records {
			out = append(out, rec.(map[string]any)["id"].(string))
		}
	}
	return out
}

func wantIDs(n int) []string {
	var out []string
	for i := range n {
		out = append(out, userID(i))
	}
	return out
}

// collect ranges over seq, checking that at most one error comes, last,
// with a zero Response.
func collect(t *testing.T, seq func(func(Response, error) bool)) ([]Response, error) {
	t.Helper()
	var resps []Response
	var gotErr error
	for r, err := range seq {
		if gotErr != nil {
			t.Fatalf("value after the error %v", gotErr)
		}
		if err != nil {
			gotErr = err
			if r.URL != nil || r.Records != nil || r.Body != nil {
				t.Errorf("non-zero Response beside the error: %+v", r)
			}
			continue
		}
		resps = append(resps, r)
	}
	return resps, gotErr
}

// scim serves n users as a SCIM 2.0 /Users endpoint (Figma, Lucid):
// `Resources`, startIndex from 1, count, totalResults.
func scim(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		start, count := atoi(q.Get("startIndex"), 1), atoi(q.Get("count"), 100)
		from := min(max(start-1, 0), n)
		to := min(from+count, n)
		writeJSON(w, map[string]any{
			"schemas":      []any{"urn:ietf:params:scim:api:messages:2.0:ListResponse"},
			"totalResults": n, "startIndex": start, "itemsPerPage": to - from, "Resources": all[from:to],
		})
	}
}

// figmaActivity serves n events as Figma's activity logs: records at
// meta.activity_logs, a `cursor` request parameter, and meta.cursor, which
// is present on every page, next to meta.next_page, the has-more flag.
func figmaActivity(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit := atoi(q.Get("limit"), 1000)
		from := atoi(q.Get("cursor"), 0)
		to := min(from+limit, n)
		writeJSON(w, map[string]any{"status": 200, "error": false, "meta": map[string]any{
			"activity_logs": all[from:to], "cursor": strconv.Itoa(to), "next_page": to < n,
		}})
	}
}
