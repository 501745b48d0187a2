package connectortest

import (
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestPipeServer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		body      int  // bytes the handler writes
		readBody  bool // whether the client reads the response before Close
		wantGrace bool // whether Close has to wait closeGrace and cut the connection
	}{
		{"body read", 64 << 10, true, false},
		// The client never reads a response too large for the pipe's
		// buffers: the handler is stuck writing until Close cuts it off.
		{"body left unread", 1 << 20, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var done atomic.Bool
				s := newPipeServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					defer done.Store(true)
					w.Write(make([]byte, tc.body))
				}))
				resp, err := s.Client().Get(s.URL + "/x")
				if err != nil {
					s.Close()
					t.Fatal(err)
				}
				if tc.readBody {
					if n, err := io.Copy(io.Discard, resp.Body); n != int64(tc.body) || err != nil {
						t.Errorf("read %d bytes, %v; want %d", n, err, tc.body)
					}
					resp.Body.Close()
				}
				start := time.Now()
				s.Close()
				waited := time.Since(start)
				if !done.Load() {
					t.Error("Close returned before the handler")
				}
				if tc.wantGrace != (waited >= closeGrace) {
					t.Errorf("Close took %v (simulated), want the %v grace period: %v", waited, closeGrace, tc.wantGrace)
				}
				resp.Body.Close()
				s.Close() // a second Close is harmless
			})
		})
	}
}
