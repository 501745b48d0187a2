package paginate

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resumeCases covers every pagination type and placement: offset (query,
// from 1), page number (query, body, path), cursor (body path, $last.id,
// GraphQL variables, continuation URL and body), Link header (absolute and
// relative) and next URL.
func resumeCases() []vendorCase {
	const umapi = "/v2/usermanagement/users/org@AdobeOrg/"
	return []vendorCase{
		{name: "offset_limit", handler: domo, n: 7, path: "/v1/users", cfg: domoCfg},
		{name: "offset_limit from 1 with total", handler: scim, n: 7, path: "/scim/v2/Users", cfg: scimCfg, recordsPath: "Resources"},
		{name: "page_number", handler: practitest, n: 7, path: "/api/v2/users.json", cfg: practitestCfg, recordsPath: "data"},
		{name: "page_number in body", handler: cyberark, n: 7, method: http.MethodPost, path: "/Redrock/query", body: cyberarkBody, cfg: cyberarkCfg, recordsPath: "Result.Results", rowKey: "Row"},
		{name: "page_number in path", handler: func(n int) http.HandlerFunc { return adobeUMAPI(n, 2) }, n: 7, path: umapi + "{page}?domain=example.com", cfg: adobeCfg, recordsPath: "users", rowKey: "id"},
		{name: "cursor_limit", handler: slack, n: 7, path: "/api/users.list", cfg: slackCfg, recordsPath: "members"},
		{name: "cursor_limit $last.id", handler: namely, n: 7, path: "/api/v1/profiles", cfg: namelyCfg, recordsPath: "profiles"},
		{name: "cursor_limit in GraphQL variables", handler: linearUsers, n: 7, method: http.MethodPost, path: "/graphql", body: map[string]any{"query": linearQuery, "variables": map[string]any{"first": 2}}, cfg: linearCfg, recordsPath: "data.users.nodes"},
		{name: "cursor_limit POST continuation URL and body", handler: dropboxMembers, n: 7, method: http.MethodPost, path: "/2/team/members/list_v2", body: map[string]any{"limit": 2}, cfg: dropboxCfg, recordsPath: "members", rowKey: "profile"},
		{name: "link_header", handler: okta, n: 7, path: "/api/v1/users", cfg: oktaCfg},
		{name: "link_header relative", handler: webex, n: 7, path: "/v1/people", cfg: webexCfg, recordsPath: "items"},
		{name: "next_url", handler: graph, n: 7, path: "/v1.0/users?$select=id,mail", cfg: graphCfg, recordsPath: "value"},
		{name: "none", handler: domo, n: 3, path: "/v1/users?limit=50", cfg: Config{}},
	}
}

// TestWalkFromResumesEveryType walks each listing, stops after k pages,
// marshals the checkpoint, and resumes with a new Walker on the same
// listing: every record arrives exactly once and the requests add up to a
// full walk's.
func TestWalkFromResumesEveryType(t *testing.T) {
	for _, vc := range resumeCases() {
		t.Run(vc.name, func(t *testing.T) {
			srv, full, err := vc.run(t, 1)
			require.NoError(t, err)
			fullRequests := len(srv.requests())
			require.NotEmpty(t, full)
			assert.True(t, full[len(full)-1].Next.Done(), "the last page's Next is Done")
			for k := 1; k <= len(full); k++ {
				t.Run("stop after page "+strconv.Itoa(k), func(t *testing.T) {
					srv := serve(t, vc.handler(vc.n))
					u, err := url.Parse(srv.URL + vc.path)
					require.NoError(t, err)
					first := Request{Method: vc.method, URL: u, Body: vc.body}
					newWalker := func() *Walker {
						return &Walker{Config: vc.cfg, Fetch: jsonFetch(srv.Client(), vc.recordsPath, vc.rowKey)}
					}
					var got []any
					var saved []byte
					n := 0
					for resp, err := range newWalker().Walk(t.Context(), first) {
						require.NoError(t, err)
						got = append(got, resp.Records...)
						n++
						assert.Equal(t, n, resp.Next.Pages())
						if n == k {
							saved, err = resp.Next.MarshalBinary()
							require.NoError(t, err)
							break
						}
					}
					var cp Checkpoint
					require.NoError(t, cp.UnmarshalBinary(saved))
					resumed, err := collect(t, newWalker().WalkFrom(t.Context(), first, cp))
					require.NoError(t, err)
					for _, r := range resumed {
						got = append(got, r.Records...)
					}
					assert.Equal(t, jsonRound(t, records(full)), jsonRound(t, got), "every record once")
					assert.Len(t, srv.requests(), fullRequests, "requests: %q", srv.requests())
					if len(resumed) > 0 {
						assert.Equal(t, len(full), resumed[len(resumed)-1].Next.Pages())
					}
				})
			}
		})
	}
}

func records(resps []Response) []any {
	var out []any
	for _, r := range resps {
		out = append(out, r.Records...)
	}
	return out
}

// TestCheckpointSizes logs the marshalled size of a mid-walk checkpoint of
// each type and checks the text form round-trips.
func TestCheckpointSizes(t *testing.T) {
	for _, vc := range resumeCases() {
		t.Run(vc.name, func(t *testing.T) {
			_, resps, err := vc.run(t, 1)
			require.NoError(t, err)
			cp := resps[0].Next
			b, err := cp.MarshalBinary()
			require.NoError(t, err)
			assert.Less(t, len(b), 256)
			text, err := cp.MarshalText()
			require.NoError(t, err)
			var back Checkpoint
			require.NoError(t, back.UnmarshalText(text))
			assert.Equal(t, cp, back)
			t.Logf("%s: %d bytes (%d as text)", vc.name, len(b), len(text))
		})
	}
}

// secretLinks serves n users two per page with next links (Link header
// and next URL both) that echo the caller's api_key and access_token (the
// one in the URL, the other as an auth layer would add it) and carry the
// vendor's own page token.
func secretLinks(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("api_key") != "k-SECRET-1" || q.Get("access_token") != "t-SECRET-2" {
			http.Error(w, "bad key", http.StatusUnauthorized)
			return
		}
		from := atoi(strings.TrimPrefix(q.Get("page_token"), "pt"), 0)
		to := min(from+2, n)
		body := map[string]any{"data": all[from:to]}
		if to < n {
			next := fmt.Sprintf("http://%s/users?api_key=k-SECRET-1&access_token=t-SECRET-2&page_token=pt%d", r.Host, to)
			w.Header().Set("Link", "<"+next+`>; rel="next"`)
			body["next"] = next
		}
		writeJSON(w, body)
	}
}

// TestCheckpointHoldsNoSecret: a next URL's credential-like parameters are
// not in the checkpoint; the resume puts back the first request's api_key
// and drops what it cannot re-derive.
func TestCheckpointHoldsNoSecret(t *testing.T) {
	for _, cfg := range []Config{
		{Type: LinkHeader},
		{Type: NextURL, NextURLPath: "next"},
	} {
		t.Run(string(cfg.Type), func(t *testing.T) {
			srv := serve(t, secretLinks(5))
			u, err := url.Parse(srv.URL + "/users?api_key=k-SECRET-1")
			require.NoError(t, err)
			first := Request{URL: u}
			client := &http.Client{Transport: addToken{srv.Client().Transport}}
			w := &Walker{Config: cfg, Fetch: jsonFetch(client, "data", ""), SecretParams: []string{"access_token"}}
			var cp Checkpoint
			for resp, err := range w.Walk(t.Context(), first) {
				require.NoError(t, err)
				cp = resp.Next
				break
			}
			b, err := cp.MarshalBinary()
			require.NoError(t, err)
			text, err := cp.MarshalText()
			require.NoError(t, err)
			for _, secret := range []string{"SECRET", "k-SECRET-1", "t-SECRET-2"} {
				assert.NotContains(t, string(b), secret)
			}
			assert.Contains(t, string(b), "page_token=pt2")
			resumed, err := collect(t, w.WalkFrom(t.Context(), first, cp))
			require.NoError(t, err)
			assert.Equal(t, []string{"id-003", "id-004", "id-005"}, ids(resumed))
			second := mustURL(srv.URL + srv.requests()[1]).Query()
			assert.Equal(t, url.Values{"page_token": {"pt2"}, "api_key": {"k-SECRET-1"}, "access_token": {"t-SECRET-2"}}, second)
			var back Checkpoint
			require.NoError(t, back.UnmarshalText(text))
			assert.Equal(t, cp, back)
		})
	}
}

// addToken adds access_token to every request, as an auth layer with a
// query parameter does.
type addToken struct{ base http.RoundTripper }

func (a addToken) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	q := req.URL.Query()
	q.Set("access_token", "t-SECRET-2")
	req.URL.RawQuery = q.Encode()
	return a.base.RoundTrip(req)
}

// TestStripURL: a next URL loses its origin and user info, the path it
// shares with the first request, the parameters in SecretParams whatever
// their name, and the credential-like ones; the vendor's own page tokens
// stay.
func TestStripURL(t *testing.T) {
	w := &Walker{SecretParams: []string{"X"}}
	first := mustURL("https://api.example.com/orgs/SECRETORG/users?api_key=K")
	for _, tc := range []struct {
		next, want string
		prefix     int
		dropped    []string
	}{
		{"https://me:pw@api.example.com/orgs/SECRETORG/users?tenant=a&x=SECRETVALUE&api_key=K&sig=S&pageToken=P&%24skiptoken=Q&page=2", "?tenant=a&pageToken=P&%24skiptoken=Q&page=2", 21, []string{"x", "api_key", "sig"}},
		{"https://api.example.com/orgs/SECRETORG/users/more?b=1", "users/more?b=1", 16, nil},
		{"https://api.example.com/other", "other", 1, nil},
		{"https://api.example.com/orgs/SECRETORG/users", "", 21, nil},
	} {
		prefix, got, dropped := stripURL(mustURL(tc.next), first, w.credentialParam(&Request{URL: first}))
		assert.Equal(t, tc.want, got, tc.next)
		assert.Equal(t, tc.prefix, prefix, tc.next)
		assert.Equal(t, tc.dropped, dropped, tc.next)
		assert.NotContains(t, got, "SECRET")
	}
}

// TestWalkFromMismatch: a checkpoint of another listing, or bytes that
// are not a checkpoint, are refused before any request.
func TestWalkFromMismatch(t *testing.T) {
	vc := vendorCase{handler: okta, n: 5, path: "/api/v1/users", cfg: oktaCfg}
	_, resps, err := vc.run(t, 1)
	require.NoError(t, err)
	cp := resps[0].Next

	srv := serve(t, okta(5))
	for name, first := range map[string]Request{
		"another path":  {URL: mustURL(srv.URL + "/api/v1/groups")},
		"another query": {URL: mustURL(srv.URL + "/api/v1/users?filter=x")},
		"another body":  {Method: http.MethodPost, URL: mustURL(srv.URL + "/api/v1/users"), Body: map[string]any{"a": 1}},
	} {
		t.Run(name, func(t *testing.T) {
			w := &Walker{Config: oktaCfg, Fetch: jsonFetch(srv.Client(), "", "")}
			_, err := collect(t, w.WalkFrom(t.Context(), first, cp))
			require.ErrorIs(t, err, ErrCheckpointMismatch)
		})
	}
	t.Run("another config", func(t *testing.T) {
		cfg := oktaCfg
		cfg.PageSize = 3
		w := &Walker{Config: cfg, Fetch: jsonFetch(srv.Client(), "", "")}
		_, err := collect(t, w.WalkFrom(t.Context(), Request{URL: mustURL(srv.URL + "/api/v1/users")}, cp))
		require.ErrorIs(t, err, ErrCheckpointMismatch)
	})
	assert.Empty(t, srv.requests())

	b, err := cp.MarshalBinary()
	require.NoError(t, err)
	for name, bad := range map[string][]byte{
		"version":   append([]byte{9}, b[1:]...),
		"truncated": b[:len(b)-3],
		"trailing":  append(b[:len(b):len(b)], 0),
	} {
		t.Run(name, func(t *testing.T) {
			var c Checkpoint
			err := c.UnmarshalBinary(bad)
			require.ErrorIs(t, err, ErrCheckpointMismatch)
			assert.Contains(t, err.Error(), "byte")
		})
	}
	var c Checkpoint
	require.ErrorIs(t, c.UnmarshalText([]byte("!!")), ErrCheckpointMismatch)
}

// TestWalkFromDoneAndZero: a Done checkpoint sends nothing; the zero one
// walks from the start and marshals to nothing.
func TestWalkFromDoneAndZero(t *testing.T) {
	vc := vendorCase{handler: domo, n: 3, path: "/v1/users", cfg: domoCfg}
	srv, resps, err := vc.run(t, 1)
	require.NoError(t, err)
	last := resps[len(resps)-1].Next
	require.True(t, last.Done())
	before := len(srv.requests())
	w := &Walker{Config: domoCfg, Fetch: jsonFetch(srv.Client(), "", "")}
	first := Request{URL: mustURL(srv.URL + "/v1/users")}
	again, err := collect(t, w.WalkFrom(t.Context(), first, last))
	require.NoError(t, err)
	assert.Empty(t, again)
	assert.Len(t, srv.requests(), before)

	var zero Checkpoint
	assert.True(t, zero.IsZero())
	b, err := zero.MarshalBinary()
	require.NoError(t, err)
	assert.Empty(t, b)
	all, err := collect(t, w.WalkFrom(t.Context(), first, zero))
	require.NoError(t, err)
	assert.Equal(t, wantIDs(3), ids(all))
	assert.NotEqual(t, zero.Position(), last.Position())
}

// TestWalkFromKeepsMaxPages: max_pages counts the pages before the
// checkpoint.
func TestWalkFromKeepsMaxPages(t *testing.T) {
	cfg := domoCfg
	cfg.MaxPages = 3
	srv := serve(t, domo(20))
	w := &Walker{Config: cfg, Fetch: jsonFetch(srv.Client(), "", "")}
	first := Request{URL: mustURL(srv.URL + "/v1/users")}
	var cp Checkpoint
	for resp, err := range w.Walk(t.Context(), first) {
		require.NoError(t, err)
		cp = resp.Next
		break
	}
	resps, err := collect(t, w.WalkFrom(t.Context(), first, cp))
	require.ErrorIs(t, err, ErrTooManyPages)
	assert.Len(t, resps, 2)
	var pe *PageError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, 4, pe.Page)
}

// TestWalkFromWithPrefetch: a resumed walk prefetches too and still sends
// each request once.
func TestWalkFromWithPrefetch(t *testing.T) {
	srv := serve(t, scim(11))
	w := &Walker{Config: scimCfg, Fetch: jsonFetch(srv.Client(), "Resources", ""), Prefetch: 3}
	first := Request{URL: mustURL(srv.URL + "/scim/v2/Users")}
	var cp Checkpoint
	var got []string
	for resp, err := range w.Walk(t.Context(), first) {
		require.NoError(t, err)
		got = append(got, ids([]Response{resp})...)
		cp = resp.Next
		break
	}
	resps, err := collect(t, w.WalkFrom(t.Context(), first, cp))
	require.NoError(t, err)
	got = append(got, ids(resps)...)
	assert.Equal(t, wantIDs(11), got)
	var starts []string
	for _, uri := range srv.requests() {
		starts = append(starts, strings.TrimPrefix(uri, "/scim/v2/Users?"))
	}
	// Prefetched pages cancelled by the break may be asked for again; the
	// resumed walk itself asks for pages 2..6 once each.
	assert.Subset(t, starts, []string{"startIndex=3&count=2", "startIndex=11&count=2"})
}

// TestResponseNextAfterError: when the walk fails after a page, that
// page's Next resumes at the page itself.
func TestResponseNextAfterError(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, []any{map[string]any{"id": "a"}, map[string]any{"id": "b"}, "no id"})
	})
	cfg := namelyCfg
	cfg.PageSize = 3
	w := &Walker{Config: cfg, Fetch: jsonFetch(srv.Client(), "", "")}
	first := Request{URL: mustURL(srv.URL + "/users")}
	var next Checkpoint
	var gotErr error
	for resp, err := range w.Walk(t.Context(), first) {
		if err != nil {
			gotErr = err
			break
		}
		next = resp.Next
	}
	require.Error(t, gotErr)
	assert.Equal(t, 0, next.Pages())
	assert.False(t, next.Done())
	_, err := collect(t, w.WalkFrom(t.Context(), first, next))
	require.Error(t, err)
	assert.Equal(t, []string{"/users?limit=3", "/users?limit=3"}, srv.requests())
}

// TestPositionIgnoresCounts: the checkpoint a failed page leaves (the
// position of that page) has the Position of the checkpoint before it.
func TestPositionIgnoresCounts(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("offset") == "2" {
			writeJSON(w, map[string]any{"data": []any{map[string]any{"id": "c"}}, "total": "many"})
			return
		}
		writeJSON(w, map[string]any{"data": []any{map[string]any{"id": "a"}, map[string]any{"id": "b"}}, "total": 9})
	})
	cfg := Config{Type: OffsetLimit, OffsetField: "offset", LimitField: "limit", PageSize: 2, TotalPath: "total"}
	w := &Walker{Config: cfg, Fetch: jsonFetch(srv.Client(), "data", "")}
	var nexts []Checkpoint
	var gotErr error
	for resp, err := range w.Walk(t.Context(), Request{URL: mustURL(srv.URL + "/users")}) {
		if err != nil {
			gotErr = err
			break
		}
		nexts = append(nexts, resp.Next)
	}
	require.Error(t, gotErr)
	require.Len(t, nexts, 2)
	assert.Equal(t, nexts[0].Position(), nexts[1].Position(), "the failed page resumes where the first page's checkpoint does")
	assert.Equal(t, 1, nexts[1].Pages())
}

// FuzzCheckpoint: any bytes either fail to decode with ErrCheckpointMismatch
// or decode to a Checkpoint that encodes back to the same bytes.
func FuzzCheckpoint(f *testing.F) {
	for _, c := range []Checkpoint{
		{set: true, pages: 3, count: 6, total: -1, totalPages: -1, index: 6},
		{set: true, pages: 2, count: 4, total: 9, totalPages: 5, cursor: "dXNlcjppZC0wMDQ="},
		{set: true, pages: 1, count: 2, total: -1, totalPages: -1, prefix: 9, url: "?after=id-002&limit=2", dropped: []string{"api_key"}},
		{set: true, done: true, pages: 4, count: 7, total: 7, totalPages: -1},
	} {
		b, _ := c.MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Checkpoint
		if err := c.UnmarshalBinary(b); err != nil {
			if !errors.Is(err, ErrCheckpointMismatch) {
				t.Fatalf("error %v does not match ErrCheckpointMismatch", err)
			}
			return
		}
		back, err := c.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var again Checkpoint
		if err := again.UnmarshalBinary(back); err != nil {
			t.Fatalf("re-decoding %x: %v", back, err)
		}
		if again.String() != c.String() || again.Position() != c.Position() {
			t.Fatalf("round trip changed %v into %v", c, again)
		}
	})
}
