package connector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/paginate"
)

func benchPage(n int) []byte {
	recs := make([]map[string]any, n)
	for i := range recs {
		recs[i] = map[string]any{
			"id": fmt.Sprint(i), "email": fmt.Sprintf("user%d@example.com", i), "name": fmt.Sprintf("User %d", i),
			"state": "ACTIVE", "last_login": "2026-11-01T10:00:00Z", "type": "User",
			"profile": map[string]any{"department": "R&D", "title": "Engineer", "groups": []any{"a", "b", "c"}},
		}
	}
	b, _ := json.Marshal(map[string]any{"data": recs, "total": n})
	return b
}

// BenchmarkDecodePage measures the page decoder alone (1000 records).
func BenchmarkDecodePage(b *testing.B) {
	body := benchPage(1000)
	path := jsonpath.MustCompile("data")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodePage(bytes.NewReader(body), DefaultMaxBodyBytes, path, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRun measures a whole run over an in-memory vendor: 10 pages of
// 1000 users, offset pagination, API key.
func BenchmarkRun(b *testing.B) {
	f := newFakeVendor(b, 10000, paginate.OffsetLimit, AuthAPIKey)
	f.pageSize = 1000
	f.base = "https://vendor.test"
	c, err := New(f.template(f.base), "bench", f.settings(), WithHTTPClient(&http.Client{Transport: f.transport()}))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if _, err := c.Run(b.Context(), func(saasconnect.User) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != 10000 {
			b.Fatalf("%d users", n)
		}
	}
}
