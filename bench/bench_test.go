package bench

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/connector/connectortest"
)

// long turns on the slow checks of the normal test suite (the
// 1,000,000-user memory bound).
var long = flag.Bool("long", false, "run the slow checks (1,000,000-user memory bound)")

const connectorName = "fake"

// newConnector builds the fake vendor's connector the way a user would: the
// server's template and settings, its HTTP client, the server's clock.
func newConnector(tb testing.TB, s *connectortest.Server, opts ...connector.Option) *connector.Connector {
	tb.Helper()
	opts = append([]connector.Option{
		connector.WithHTTPClient(s.Client()),
		connector.WithClock(func() time.Time { return s.Config().Now }),
	}, opts...)
	c, err := connector.New(s.Template(), connectorName, s.Settings(), opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func newBaseline(s *connectortest.Server) *Baseline {
	return &Baseline{Client: s.Client(), BaseURL: s.Settings()["base_url"], PageSize: s.Config().PageSize, Now: s.Config().Now, Name: connectorName}
}

// runSDK streams every user through the connector and counts them.
func runSDK(tb testing.TB, c *connector.Connector, each func(saasconnect.User)) (connector.Report, int) {
	tb.Helper()
	n := 0
	rep, err := c.Run(context.Background(), func(u saasconnect.User) error {
		n++
		if each != nil {
			each(u)
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("SDK run: %v (report %+v)", err, rep)
	}
	return rep, n
}

func runBaseline(tb testing.TB, bl *Baseline) int {
	tb.Helper()
	n := 0
	if _, err := bl.Run(context.Background(), func(saasconnect.User) error { n++; return nil }); err != nil {
		tb.Fatalf("baseline run: %v", err)
	}
	return n
}

// BenchmarkThroughput lists 100,000 users (100 per page, ~15 fields each)
// from a loopback fake vendor, alternately with the hand-written baseline
// and with the SDK connector, and reports both rates and their ratio.
func BenchmarkThroughput(b *testing.B) {
	const users, pageSize = 100_000, 100
	s := connectortest.NewServer(connectortest.ServerConfig{Users: users, PageSize: pageSize, Pagination: connectortest.PaginateOffset, ReportTotal: true})
	defer s.Close()
	c := newConnector(b, s)
	bl := newBaseline(s)
	var sdk, base time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if n := runBaseline(b, bl); n != s.Kept() {
			b.Fatalf("baseline delivered %d users, want %d", n, s.Kept())
		}
		mid := time.Now()
		if _, n := runSDK(b, c, nil); n != s.Kept() {
			b.Fatalf("SDK delivered %d users, want %d", n, s.Kept())
		}
		base += mid.Sub(start)
		sdk += time.Since(mid)
	}
	kept := float64(s.Kept() * b.N)
	b.ReportMetric(kept/sdk.Seconds(), "sdk-users/s")
	b.ReportMetric(kept/base.Seconds(), "baseline-users/s")
	b.ReportMetric(base.Seconds()/sdk.Seconds(), "ratio")
}

// heapObjects reads the bytes of heap objects: live ones and garbage not
// yet swept, what the heap holds.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// retained collects garbage and returns the live heap.
func retained() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func raise(a *atomic.Uint64, v uint64) {
	for {
		p := a.Load()
		if v <= p || a.CompareAndSwap(p, v) {
			return
		}
	}
}

// peakHeap runs f and returns the highest heap it saw, sampled every
// millisecond and every 10,000 users (f calls tick per user), and the
// highest live heap after a GC forced every 25,000 users: what the walk
// retains, which must not grow with the number of users.
func peakHeap(f func(tick func())) (peak, live uint64) {
	runtime.GC()
	var pk, pl atomic.Uint64
	observe := func() { raise(&pk, heapObjects()) }
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				observe()
			}
		}
	})
	n := 0
	f(func() {
		n++
		if n%10_000 == 0 {
			observe()
		}
		if n%25_000 == 0 {
			raise(&pl, retained())
		}
	})
	close(done)
	wg.Wait()
	observe()
	return pk.Load(), pl.Load()
}

// streamPeak streams users through the SDK and returns the peak heap and
// the peak retained heap in MiB.
func streamPeak(tb testing.TB, users int) (peak, live float64) {
	s := connectortest.NewServer(connectortest.ServerConfig{Users: users, PageSize: 100, Pagination: connectortest.PaginateOffset, ReportTotal: true})
	defer s.Close()
	c := newConnector(tb, s)
	pk, pl := peakHeap(func(tick func()) {
		if _, n := runSDK(tb, c, func(saasconnect.User) { tick() }); n != s.Kept() {
			tb.Fatalf("SDK delivered %d users, want %d", n, s.Kept())
		}
	})
	return float64(pk) / (1 << 20), float64(pl) / (1 << 20)
}

// BenchmarkMemory streams 100,000 and then 1,000,000 users through the SDK
// and reports the peak heap of each (MiB) and their ratio, and the heap
// retained after a GC (sampled every 25,000 users).
func BenchmarkMemory(b *testing.B) {
	var small, big, smallLive, bigLive float64
	for b.Loop() {
		p, l := streamPeak(b, 100_000)
		small, smallLive = max(small, p), max(smallLive, l)
		p, l = streamPeak(b, 1_000_000)
		big, bigLive = max(big, p), max(bigLive, l)
	}
	b.ReportMetric(small, "peak-heap-MiB-100k")
	b.ReportMetric(big, "peak-heap-MiB-1M")
	b.ReportMetric(big/small, "ratio")
	b.ReportMetric(smallLive, "retained-MiB-100k")
	b.ReportMetric(bigLive, "retained-MiB-1M")
}

// TestMemoryLong is the memory bound as a test: go test ./bench/ -run
// MemoryLong -long.
func TestMemoryLong(t *testing.T) {
	if !*long {
		t.Skip("slow: run with -long")
	}
	small, smallLive := streamPeak(t, 100_000)
	big, bigLive := streamPeak(t, 1_000_000)
	t.Logf("peak heap: 100,000 users %.1f MiB, 1,000,000 users %.1f MiB (ratio %.2f); retained after GC %.2f and %.2f MiB",
		small, big, big/small, smallLive, bigLive)
	if big >= 64 {
		t.Errorf("peak heap for 1,000,000 users is %.1f MiB, want < 64", big)
	}
	if big > 1.5*small {
		t.Errorf("peak heap for 1,000,000 users is %.2fx the 100,000-user peak, want <= 1.5x", big/small)
	}
}

// BenchmarkPrefetch lists 200 pages with 20ms of latency each, the total
// known up front, sequentially and then with WithPrefetch(8), and reports
// the speed-up. Both runs must deliver the same users in the same order.
func BenchmarkPrefetch(b *testing.B) {
	s := connectortest.NewServer(connectortest.ServerConfig{Users: 200 * 100, PageSize: 100, Pagination: connectortest.PaginateOffset, ReportTotal: true, Latency: 20 * time.Millisecond})
	defer s.Close()
	seq := newConnector(b, s)
	pre := newConnector(b, s, connector.WithPrefetch(8))
	var seqD, preD time.Duration
	for b.Loop() {
		start := time.Now()
		seqIDs := collectIDs(b, seq)
		mid := time.Now()
		preIDs := collectIDs(b, pre)
		seqD += mid.Sub(start)
		preD += time.Since(mid)
		if fmt.Sprint(seqIDs) != fmt.Sprint(preIDs) || len(seqIDs) != s.Kept() {
			b.Fatalf("prefetch delivered %d users, sequential %d, want %d in the same order", len(preIDs), len(seqIDs), s.Kept())
		}
	}
	b.ReportMetric(seqD.Seconds()/float64(b.N), "sequential-s")
	b.ReportMetric(preD.Seconds()/float64(b.N), "prefetch-s")
	b.ReportMetric(seqD.Seconds()/preD.Seconds(), "ratio")
}

func collectIDs(tb testing.TB, c *connector.Connector) []string {
	var ids []string
	runSDK(tb, c, func(u saasconnect.User) { ids = append(ids, u.ID) })
	return ids
}
