package fakevendor

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestServerGivenRecords serves given records, under a base path, with every
// paging style, and checks the walk returns them in order.
func TestServerGivenRecords(t *testing.T) {
	t.Parallel()
	var records []map[string]any
	for i := 1; i <= 7; i++ {
		records = append(records, map[string]any{"id": strconv.Itoa(i), "type": "User"})
	}
	want := []string{"1", "2", "3", "4", "5", "6", "7"}
	for _, pg := range Paginations() {
		if pg == PaginateLastID {
			continue // needs generated ids (documented)
		}
		for _, base := range []string{"/", "/v2"} {
			t.Run(string(pg)+base, func(t *testing.T) {
				t.Parallel()
				s := NewInMemoryServer(ServerConfig{Records: records, Users: 1000, Pagination: pg, PageSize: 3, BasePath: base})
				if got, want := s.Settings()["base_url"], strings.TrimSuffix("http://127.0.0.1:9"+base, "/"); got != want {
					t.Errorf("base_url = %q, want %q", got, want)
				}
				ids, _ := walk(t, s, s.Client())
				if diff := cmp.Diff(want, ids); diff != "" {
					t.Errorf("served ids (-want +got):\n%s", diff)
				}
				if got := s.UsersRequests(); got < 1 {
					t.Errorf("UsersRequests = %d, want at least 1", got)
				}
			})
		}
	}
}

// TestServerFaultResponse checks verbatim fault answers: status, headers
// and body, once each, in order, then the page.
func TestServerFaultResponse(t *testing.T) {
	t.Parallel()
	s := NewInMemoryServer(ServerConfig{Users: 5, Pagination: PaginatePage, PageSize: 5, Faults: []Fault{
		{Kind: FaultResponse, Page: 1, Times: 1, Status: 429, Header: map[string]string{"Retry-After": "2"}},
		{Kind: FaultResponse, Page: 1, Times: 1, Body: "<html>Sign in</html>"},
	}})
	type answer struct {
		Status     int
		RetryAfter string
		Body       string
	}
	want := []answer{
		{Status: 429, RetryAfter: "2", Body: `{"error":"injected fault"}`},
		{Status: 200, Body: "<html>Sign in</html>"},
		{Status: 200},
	}
	var got []answer
	for range want {
		resp, err := s.Client().Get(s.Settings()["base_url"] + "/users?page=1&per_page=5")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		a := answer{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After"), Body: string(body)}
		if strings.HasPrefix(a.Body, `{"data":[`) {
			a.Body = "" // the page itself
		}
		got = append(got, a)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
}

// TestServerAuthExtras covers the API key in a query parameter, the
// per-kind request counts and token revocation.
func TestServerAuthExtras(t *testing.T) {
	t.Parallel()
	t.Run("api key parameter", func(t *testing.T) {
		s := NewInMemoryServer(ServerConfig{Users: 2, Auth: AuthAPIKey, APIKeyParam: "token"})
		tests := []struct {
			query string
			want  int
		}{
			{"?token=" + APIKey, http.StatusOK},
			{"?token=wrong", http.StatusUnauthorized},
			{"?key=" + APIKey, http.StatusUnauthorized},
		}
		for _, tt := range tests {
			resp, err := s.Client().Get(s.Settings()["base_url"] + "/users" + tt.query)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("%s: status %d, want %d", tt.query, resp.StatusCode, tt.want)
			}
		}
	})
	t.Run("revoked token", func(t *testing.T) {
		s := NewInMemoryServer(ServerConfig{Users: 2, Auth: AuthOAuth2})
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.Settings()["token_url"], strings.NewReader("grant_type=client_credentials"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(ClientID, ClientSecret)
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"access_token":"tok-1"`) {
			t.Fatalf("token request: %s %s", resp.Status, body)
		}
		status := func() int {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.Settings()["base_url"]+"/users", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer tok-1")
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		before := status()
		s.RevokeTokens()
		after := status()
		if before != http.StatusOK || after != http.StatusUnauthorized {
			t.Errorf("status before and after RevokeTokens = %d, %d; want 200, 401", before, after)
		}
		if got, want := [3]int{s.UsersRequests(), s.AuthRequests(), s.Requests()}, [3]int{2, 1, 3}; got != want {
			t.Errorf("users, auth and all requests = %v, want %v", got, want)
		}
	})
}

// TestInMemoryHTTPSLinks checks that next links keep the https scheme of an
// in-memory request (no TLS state exists there).
func TestInMemoryHTTPSLinks(t *testing.T) {
	t.Parallel()
	s := NewInMemoryServer(ServerConfig{Users: 5, Pagination: PaginateLinkHeader, PageSize: 2})
	resp, err := (&http.Client{Transport: HandlerTransport(s.Handler())}).Get("https://vendor.test/api/v1/users")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if link := resp.Header.Get("Link"); !strings.HasPrefix(link, "<https://vendor.test/api/v1/users?cursor=") {
		t.Errorf("Link = %q, want an https link on vendor.test", link)
	}
}
