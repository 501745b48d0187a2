package fakevendor

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// page is a decoded users page.
type page struct {
	Data []struct {
		ID             string  `json:"id"`
		Type           string  `json:"type"`
		LastActivityAt *string `json:"last_activity_at"`
	} `json:"data"`
	Total *int `json:"total"`
	Meta  struct {
		NextCursor *string `json:"next_cursor"`
	} `json:"meta"`
	NextLink string `json:"@odata.nextLink"`
}

// get fetches u with the server's credentials and decodes a page.
func get(t *testing.T, s *Server, c *http.Client, u string) (page, *http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	switch s.cfg.Auth {
	case AuthAPIKey:
		req.Header.Set("Authorization", "Bearer "+APIKey)
	case AuthBasic:
		req.SetBasicAuth(Username, Password)
	}
	resp, err := c.Do(req)
	if err != nil {
		return page{}, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return page{}, resp, err
	}
	if resp.StatusCode != http.StatusOK {
		return page{}, resp, errors.New(resp.Status)
	}
	var p page
	if err := json.Unmarshal(body, &p); err != nil {
		return page{}, resp, err
	}
	return p, resp, nil
}

// walk follows the server's paging protocol the way a connector would and
// returns the ids served and the number of pages.
func walk(t *testing.T, s *Server, c *http.Client) (ids []string, pages int) {
	t.Helper()
	base := s.Settings()["base_url"] + "/users"
	limit := strconv.Itoa(s.cfg.PageSize)
	next := base
	switch s.cfg.Pagination {
	case PaginateOffset:
		next = base + "?offset=0&limit=" + limit
	case PaginatePage:
		next = base + "?page=1&per_page=" + limit
	case PaginateCursor, PaginateLastID, PaginateLinkHeader, PaginateNextURL:
		next = base + "?limit=" + limit
	}
	for next != "" {
		pages++
		if pages > 1000 {
			t.Fatal("more than 1000 pages")
		}
		p, resp, err := get(t, s, c, next)
		if err != nil {
			t.Fatalf("page %d (%s): %v", pages, next, err)
		}
		for _, r := range p.Data {
			ids = append(ids, r.ID)
		}
		short := len(p.Data) < s.cfg.PageSize
		next = ""
		switch s.cfg.Pagination {
		case PaginateOffset:
			if !short {
				next = base + "?offset=" + strconv.Itoa(len(ids)) + "&limit=" + limit
			}
		case PaginatePage:
			if !short {
				next = base + "?page=" + strconv.Itoa(pages+1) + "&per_page=" + limit
			}
		case PaginateCursor:
			if p.Meta.NextCursor != nil {
				next = base + "?cursor=" + *p.Meta.NextCursor + "&limit=" + limit
			}
		case PaginateLastID:
			if !short {
				next = base + "?after=" + ids[len(ids)-1] + "&limit=" + limit
			}
		case PaginateLinkHeader:
			if l := resp.Header.Get("Link"); l != "" {
				next = strings.TrimSuffix(strings.TrimPrefix(l, "<"), `>; rel="next"`)
			}
		case PaginateNextURL:
			next = p.NextLink
		}
	}
	return ids, pages
}

func TestServerPaginations(t *testing.T) {
	t.Parallel()
	for _, pg := range Paginations() {
		for _, n := range []int{0, 1, 25, 50} {
			t.Run(string(pg)+"/"+strconv.Itoa(n), func(t *testing.T) {
				t.Parallel()
				s := NewServer(ServerConfig{Users: n, Pagination: pg, PageSize: 10, ReportTotal: true})
				defer s.Close()
				ids, pages := walk(t, s, s.Client())
				if len(ids) != n {
					t.Fatalf("served %d records, want %d", len(ids), n)
				}
				for i, id := range ids {
					if want := s.record(i).id(); id != want {
						t.Fatalf("record %d id = %q, want %q", i, id, want)
					}
				}
				wantPages := 1
				if pg != PaginateNone {
					wantPages = n/10 + 1 // a full last page needs one more (empty or short) request
					if n%10 != 0 && (pg == PaginateCursor || pg == PaginateLinkHeader || pg == PaginateNextURL) {
						wantPages = (n + 9) / 10
					}
					if n%10 == 0 && n > 0 && (pg == PaginateCursor || pg == PaginateLinkHeader || pg == PaginateNextURL) {
						wantPages = n / 10
					}
				}
				if pages != wantPages {
					t.Errorf("walk took %d pages, want %d", pages, wantPages)
				}
				if got := s.Requests(); got != pages {
					t.Errorf("Requests() = %d, want %d", got, pages)
				}
			})
		}
	}
}

func TestServerRecords(t *testing.T) {
	t.Parallel()
	s := NewInMemoryServer(ServerConfig{Users: 120, PageSize: 120, ReportTotal: true})
	p, _, err := get(t, s, s.Client(), s.Settings()["base_url"]+"/users")
	if err != nil {
		t.Fatal(err)
	}
	if p.Total == nil || *p.Total != 120 {
		t.Errorf("total = %v, want 120", p.Total)
	}
	var bots, never int
	for _, r := range p.Data {
		if r.Type == "Bot" {
			bots++
		}
		if r.LastActivityAt == nil {
			never++
		}
	}
	if kept := len(p.Data) - bots; kept != s.Kept() || kept != len(s.Users()) {
		t.Errorf("kept records = %d, Kept() = %d, len(Users()) = %d", kept, s.Kept(), len(s.Users()))
	}
	if bots == 0 || never == 0 {
		t.Errorf("bots = %d, never active = %d; want some of each", bots, never)
	}
	// Every record is valid JSON with about fifteen fields.
	var raw struct{ Data []map[string]any }
	resp, err := s.Client().Get(s.Settings()["base_url"] + "/users?limit=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil || len(raw.Data) != 1 || len(raw.Data[0]) < 13 {
		t.Errorf("first record = %v (err %v), want >= 13 top-level fields", raw.Data, err)
	}
	u, kept := s.User(3)
	if !kept || u.Activity != "never" || u.Email != "User00000003@Example.com" || u.Extra["seat"] == nil {
		t.Errorf("User(3) = %+v, %v", u, kept)
	}
}

func TestServerAuth(t *testing.T) {
	t.Parallel()
	for _, a := range []Auth{AuthNone, AuthAPIKey, AuthBasic, AuthOAuth2, AuthSession} {
		t.Run(string(a), func(t *testing.T) {
			t.Parallel()
			s := NewServer(ServerConfig{Users: 3, Auth: a})
			defer s.Close()
			c := s.Client()
			users := s.Settings()["base_url"] + "/users"
			// No credentials.
			resp, err := c.Get(users)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if wantOK := a == AuthNone; (resp.StatusCode == 200) != wantOK {
				t.Errorf("anonymous GET = %d, want ok=%v", resp.StatusCode, wantOK)
			}
			// Credentials.
			req, _ := http.NewRequest(http.MethodGet, users, nil)
			set := s.Settings()
			switch a {
			case AuthAPIKey:
				req.Header.Set("Authorization", "Bearer "+set["api_key"])
			case AuthBasic:
				req.SetBasicAuth(set["username"], set["password"])
			case AuthOAuth2:
				treq, _ := http.NewRequest(http.MethodPost, set["token_url"], strings.NewReader("grant_type=client_credentials"))
				treq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				treq.SetBasicAuth(set["client_id"], set["client_secret"])
				var tok struct {
					AccessToken string `json:"access_token"`
				}
				decodeOK(t, c, treq, &tok)
				req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			case AuthSession:
				lreq, _ := http.NewRequest(http.MethodPost, set["login_url"], strings.NewReader(`{"username":"admin","password":"test-password"}`))
				var sess struct{ Session struct{ Token string } }
				decodeOK(t, c, lreq, &sess)
				req.Header.Set("X-Session-Token", sess.Session.Token)
			}
			var p page
			decodeOK(t, c, req, &p)
			if len(p.Data) != 3 {
				t.Errorf("authorized GET served %d records, want 3", len(p.Data))
			}
		})
	}
}

func decodeOK(t *testing.T, c *http.Client, req *http.Request, v any) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s = %s: %s", req.Method, req.URL, resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestServerFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		pg    Pagination
		fault Fault
		check func(t *testing.T, p page, resp *http.Response, err error)
	}{
		{"429 with Retry-After", PaginateOffset, Fault{Kind: FaultRateLimit, RetryAfter: 1500 * time.Millisecond},
			func(t *testing.T, p page, resp *http.Response, err error) {
				if resp == nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
					t.Errorf("got %v %v, want 429 with Retry-After: 2", resp, err)
				}
			}},
		{"429 without Retry-After", PaginateOffset, Fault{Kind: FaultRateLimit},
			func(t *testing.T, p page, resp *http.Response, err error) {
				if resp == nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "" {
					t.Errorf("got %v %v, want bare 429", resp, err)
				}
			}},
		{"5xx", PaginateOffset, Fault{Kind: FaultServerError, Status: 502},
			func(t *testing.T, p page, resp *http.Response, err error) {
				if resp == nil || resp.StatusCode != 502 {
					t.Errorf("got %v %v, want 502", resp, err)
				}
			}},
		{"unauthorized", PaginateOffset, Fault{Kind: FaultUnauthorized},
			func(t *testing.T, p page, resp *http.Response, err error) {
				if resp == nil || resp.StatusCode != 401 {
					t.Errorf("got %v %v, want 401", resp, err)
				}
			}},
		{"reset", PaginateOffset, Fault{Kind: FaultReset},
			func(t *testing.T, p page, resp *http.Response, err error) {
				if err == nil || resp == nil || resp.StatusCode != 200 {
					t.Errorf("got %v %v, want a 200 whose body fails", resp, err)
				}
			}},
		{"truncated", PaginateOffset, Fault{Kind: FaultTruncated},
			func(t *testing.T, p page, resp *http.Response, err error) {
				var se *json.SyntaxError
				if !errors.As(err, &se) && !strings.Contains(fmtErr(err), "unexpected end of JSON") {
					t.Errorf("got %v, want a JSON syntax error", err)
				}
			}},
		{"slow body", PaginateOffset, Fault{Kind: FaultSlowBody, Delay: time.Millisecond},
			func(t *testing.T, p page, resp *http.Response, err error) {
				if err != nil || len(p.Data) != 10 {
					t.Errorf("got %d records, %v; want 10 (slow but whole)", len(p.Data), err)
				}
			}},
		{"cursor loop", PaginateCursor, Fault{Kind: FaultCursorLoop},
			func(t *testing.T, p page, resp *http.Response, err error) {
				if err != nil || p.Meta.NextCursor == nil || *p.Meta.NextCursor != encodeCursor(0) {
					t.Errorf("next cursor = %v (%v), want this page's own cursor", p.Meta.NextCursor, err)
				}
			}},
		{"cross origin", PaginateNextURL, Fault{Kind: FaultCrossOrigin},
			func(t *testing.T, p page, resp *http.Response, err error) {
				if u, _ := url.Parse(p.NextLink); err != nil || u == nil || u.Host != "other-origin.example.com" {
					t.Errorf("next link = %q (%v), want another origin", p.NextLink, err)
				}
			}},
		{"huge body", PaginateOffset, Fault{Kind: FaultHugeBody, Size: 1 << 20},
			func(t *testing.T, p page, resp *http.Response, err error) {
				if err != nil || resp.ContentLength != 1<<20 || len(p.Data) != 10 {
					t.Errorf("got length %d, %d records, %v; want 1 MiB, 10 records", resp.ContentLength, len(p.Data), err)
				}
			}},
	}
	for _, tc := range tests {
		for _, mode := range []string{"tcp", "memory"} {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				t.Parallel()
				f := tc.fault
				f.Times = 1
				cfg := ServerConfig{Users: 30, PageSize: 10, Pagination: tc.pg, Faults: []Fault{f}}
				s := NewServer(cfg)
				if mode == "memory" {
					s.Close()
					s = NewInMemoryServer(cfg)
				}
				defer s.Close()
				first := s.Settings()["base_url"] + "/users?limit=10"
				p, resp, err := get(t, s, s.Client(), first)
				tc.check(t, p, resp, err)
				// Times: 1 means the retry succeeds.
				if tc.fault.Kind != FaultCursorLoop && tc.fault.Kind != FaultCrossOrigin {
					if p, _, err := get(t, s, s.Client(), first); err != nil || len(p.Data) != 10 {
						t.Errorf("second request: %d records, %v; want the page", len(p.Data), err)
					}
				}
			})
		}
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestServerFaultPageAndTimes(t *testing.T) {
	t.Parallel()
	s := NewInMemoryServer(ServerConfig{Users: 30, PageSize: 10, Faults: []Fault{{Kind: FaultServerError, Page: 2, Times: 2}}})
	base := s.Settings()["base_url"] + "/users?limit=10&offset="
	for i, want := range []int{200, 503, 503, 200, 200} {
		off := "10"
		if i == 0 || i == 4 {
			off = "0"
		}
		resp, err := s.Client().Get(base + off)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("request %d (offset %s) = %d, want %d", i, off, resp.StatusCode, want)
		}
	}
}

func TestServerLatencyInSynctest(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := NewInMemoryServer(ServerConfig{Users: 5, Latency: 3 * time.Second})
		start := time.Now()
		if _, _, err := get(t, s, s.Client(), s.Settings()["base_url"]+"/users"); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("request took %v of fake time, want 3s", got)
		}
	})
}
