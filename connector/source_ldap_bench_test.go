package connector_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/saasconnect/saasconnect"
)

// BenchmarkLDAPRun maps 10,000 and 100,000 generated Active Directory
// entries through the active-directory template (paged search at 1000 per
// page over ldaps, mapping, activity) from an in-process directory that
// generates entries on demand. It reports the live heap after a GC every
// 10,000 users (max-live-heap-MB): flat in the number of entries, as
// nothing retains users or pages. The directory runs in the same process,
// so the figure includes its share.
func BenchmarkLDAPRun(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			srv, c := adConnectorB(b, n)
			var maxLive uint64
			var ms runtime.MemStats
			var requests int
			for b.Loop() {
				kept := 0
				rep, err := c.Run(b.Context(), func(saasconnect.User) error {
					kept++
					if kept%5_000 == 0 {
						runtime.GC()
						runtime.ReadMemStats(&ms)
						maxLive = max(maxLive, ms.HeapAlloc)
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				requests = rep.Requests
			}
			b.ReportMetric(float64(maxLive)/(1<<20), "max-live-heap-MB")
			b.ReportMetric(float64(requests), "searches/run")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
			_ = srv
		})
	}
}
