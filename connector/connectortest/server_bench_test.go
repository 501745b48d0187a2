package connectortest

import (
	"io"
	"net/http"
	"strconv"
	"testing"
)

// BenchmarkServerPages measures the fake vendor alone: every page of a
// listing, generated and read in memory.
func BenchmarkServerPages(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			s := NewInMemoryServer(ServerConfig{Users: n, PageSize: 1000, Pagination: PaginateOffset})
			c := s.Client()
			base := s.Settings()["base_url"] + "/users?limit=1000&offset="
			b.ReportAllocs()
			for b.Loop() {
				var total int64
				for off := 0; off < n; off += 1000 {
					resp, err := c.Get(base + strconv.Itoa(off))
					if err != nil {
						b.Fatal(err)
					}
					m, err := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err != nil || resp.StatusCode != http.StatusOK {
						b.Fatal(resp.Status, err)
					}
					total += m
				}
				b.SetBytes(total)
			}
		})
	}
}
