package transport

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestBaseOnATransportInUse: building a stack on a transport that another
// goroutine is using (http.DefaultTransport, typically) must not race with
// net/http's lazy TLS setup. Run with -race.
func TestBaseOnATransportInUse(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	for range 20 {
		shared := &http.Transport{} // fresh, so its lazy setup has not run yet
		var wg sync.WaitGroup
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
			if resp, err := shared.RoundTrip(req); err == nil {
				resp.Body.Close()
			}
		})
		wg.Go(func() {
			if _, err := Base(shared, ""); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		shared.CloseIdleConnections()
	}
}
