package connector

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/saasconnect/saasconnect/paginate"
)

// TestResponsePathsInHeaders runs whole listings whose cursor, next URL and
// total come from response headers: header:<Name> works in every
// response-path key, through the projection decoder too.
func TestResponsePathsInHeaders(t *testing.T) {
	tests := []struct {
		name string
		cfg  paginate.Config
		// next returns the headers of page n (1-based) of 3.
		next func(base string, n int) http.Header
	}{
		{name: "cursor", cfg: paginate.Config{Type: paginate.CursorLimit, CursorField: "after", LimitField: "limit", PageSize: 1, CursorPath: "header: X-Next-Cursor"},
			next: func(_ string, n int) http.Header {
				if n == 3 {
					return http.Header{}
				}
				return http.Header{"X-Next-Cursor": {fmt.Sprint("c", n+1)}}
			}},
		{name: "next URL", cfg: paginate.Config{Type: paginate.NextURL, NextURLPath: "header:X-Next"},
			next: func(base string, n int) http.Header {
				if n == 3 {
					return http.Header{}
				}
				return http.Header{"X-Next": {fmt.Sprintf("%s/users?after=c%d", base, n+1)}}
			}},
		{name: "total", cfg: paginate.Config{Type: paginate.OffsetLimit, OffsetField: "offset", LimitField: "limit", PageSize: 1, TotalPath: "header:x-total-count"},
			next: func(string, int) http.Header { return http.Header{"X-Total-Count": {"3"}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var seen []string
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				seen = append(seen, r.URL.RawQuery)
				n := len(seen)
				mu.Unlock()
				for k, v := range tt.next(srv.URL, n) {
					w.Header()[k] = v
				}
				fmt.Fprintf(w, `{"data": [{"id": "u%d", "email": "u%d@example.com"}]}`, n, n)
			}))
			defer srv.Close()
			tmpl := Template{
				Version:    1,
				Declared:   []Setting{{Name: "base_url", Default: srv.URL}},
				Request:    RequestSpec{UsersURL: "{base_url}/users"},
				Pagination: tt.cfg,
				Response:   ResponseSpec{RecordsPath: "data", Fields: map[string]string{"id": "id", "email": "email"}},
			}
			if err := tmpl.Validate(); err != nil {
				t.Fatal(err)
			}
			c, err := New(tmpl, "hdr", nil)
			if err != nil {
				t.Fatal(err)
			}
			users, rep, err := collect(t, c, t.Context())
			if err != nil || rep.Status != Succeeded {
				t.Fatalf("run: %v (%s)", err, rep.Status)
			}
			var ids []string
			for _, u := range users {
				ids = append(ids, u.ID)
			}
			if want := []string{"u1", "u2", "u3"}; !slices.Equal(ids, want) {
				t.Errorf("users = %v, want %v (requests %q)", ids, want, seen)
			}
			if tt.name == "cursor" && !slices.Equal(seen, []string{"limit=1", "limit=1&after=c2", "limit=1&after=c3"}) {
				t.Errorf("requests = %q, want the header cursors sent", seen)
			}
		})
	}
}
