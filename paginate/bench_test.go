package paginate

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

const benchPages = 1000

// benchResponses builds benchPages canned responses of 100 records, each
// page pointing to the next the way the configuration expects.
func benchResponses(cfg Config) []Response {
	recs := make([]any, 100)
	for i := range recs {
		recs[i] = map[string]any{"id": userID(i)}
	}
	out := make([]Response, benchPages)
	for p := range out {
		body := map[string]any{"total": json.Number(strconv.Itoa(benchPages * len(recs)))}
		h := http.Header{}
		if p < benchPages-1 {
			next := fmt.Sprintf("https://api.example.com/users?after=%d&limit=100", p+1)
			body["next_cursor"] = strconv.Itoa(p + 1)
			body["next"] = next
			h.Set("Link", fmt.Sprintf(`<https://api.example.com/users?limit=100>; rel="self", <%s>; rel="next"`, next))
		}
		out[p] = Response{StatusCode: 200, Header: h, Body: body, Records: recs}
	}
	return out
}

// BenchmarkWalk measures the walker's own work per page (request building,
// stop rules, cursor bookkeeping) against an in-memory fetch that returns
// canned pages.
func BenchmarkWalk(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  Config
	}{
		{"offset_limit", Config{Type: OffsetLimit, OffsetField: "offset", LimitField: "limit", PageSize: 100, TotalPath: "total", MaxPages: benchPages}},
		{"page_number_body", Config{Type: PageNumber, In: InBody, PageField: "Args.PageNumber", PageSizeField: "Args.PageSize", PageSize: 100, TotalPath: "total", MaxPages: benchPages}},
		{"cursor_limit", Config{Type: CursorLimit, CursorField: "cursor", CursorPath: "next_cursor", LimitField: "limit", PageSize: 100, MaxPages: benchPages}},
		{"link_header", Config{Type: LinkHeader, LimitField: "limit", PageSize: 100, MaxPages: benchPages}},
		{"next_url", Config{Type: NextURL, NextURLPath: "next", LimitField: "limit", PageSize: 100, MaxPages: benchPages}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			resps := benchResponses(bc.cfg)
			var i int
			fetch := func(_ context.Context, _ *http.Request) (Response, error) {
				r := resps[i]
				i++
				return r, nil
			}
			w := &Walker{Config: bc.cfg, Fetch: fetch}
			u, _ := url.Parse("https://api.example.com/users?filter=active")
			first := Request{URL: u, Header: http.Header{"Accept": {"application/json"}}}
			if bc.cfg.In == InBody {
				first.Method = http.MethodPost
				first.Body = map[string]any{"Script": "Select ID from User", "Args": map[string]any{"Caching": -1}}
			}
			seq := w.Walk(context.Background(), first)
			b.ReportAllocs()
			for b.Loop() {
				i = 0
				pages := 0
				for _, err := range seq {
					if err != nil {
						b.Fatal(err)
					}
					pages++
				}
				if pages != benchPages {
					b.Fatalf("%d pages", pages)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchPages), "ns/page")
		})
	}
}

// BenchmarkPages measures the generic iterator's overhead per page.
func BenchmarkPages(b *testing.B) {
	items := make([]int, 100)
	cursors := make([]string, benchPages+1)
	for i := 1; i < benchPages; i++ {
		cursors[i] = strconv.Itoa(i)
	}
	fetch := func(_ context.Context, c string) (Page[int], error) {
		n := 0
		if c != "" {
			n, _ = strconv.Atoi(c)
		}
		return Page[int]{Items: items, Next: cursors[n+1]}, nil
	}
	b.ReportAllocs()
	for b.Loop() {
		pages := 0
		for _, err := range Pages(context.Background(), fetch, "") {
			if err != nil {
				b.Fatal(err)
			}
			pages++
		}
		if pages != benchPages {
			b.Fatalf("%d pages", pages)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchPages), "ns/page")
}
