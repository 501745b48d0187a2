package connectortest

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// replayURL is the replay server's URL. No socket is ever opened for it:
// the connector's transport dials in-memory connections (net.Pipe), so the
// host only has to be a loopback name the connector accepts over plain http.
const replayURL = "http://replay.localhost"

// pipeServer serves a handler over in-memory connections. It opens no
// socket, so every goroutine it starts blocks only on channels and timers:
// inside a testing/synctest bubble the bubble's fake clock can advance while
// the connector waits (rate limit, Retry-After, backoff) and no wall time
// passes. It works the same outside a bubble, in real time.
type pipeServer struct {
	URL    string
	srv    *http.Server
	ln     *pipeListener
	tr     *http.Transport
	served chan struct{} // closed when Serve has returned
	closed sync.Once

	mu      sync.Mutex
	closing bool           // set by Close: no handler starts after it
	active  sync.WaitGroup // running handlers
}

// newPipeServer starts serving h. Close must be called, in the same bubble.
func newPipeServer(h http.Handler) *pipeServer {
	ln := &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
	s := &pipeServer{
		URL:    replayURL,
		ln:     ln,
		tr:     &http.Transport{DialContext: ln.dial},
		served: make(chan struct{}),
	}
	s.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if s.closing {
			s.mu.Unlock()
			http.Error(w, "connectortest: the replay server is closed", http.StatusServiceUnavailable)
			return
		}
		s.active.Add(1)
		s.mu.Unlock()
		defer s.active.Done()
		h.ServeHTTP(w, r)
	})}
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln) // http.ErrServerClosed after Close
	}()
	return s
}

// Client returns a client whose transport reaches the server in memory.
func (s *pipeServer) Client() *http.Client { return &http.Client{Transport: s.tr} }

// Close closes the client's idle connections, then shuts the server down,
// waiting for running handlers to return: after Close, everything the
// handler recorded is final and no goroutine of the server is left. A
// handler still blocked after closeGrace (writing a response the client
// never reads) has its connection closed under it.
// Close may be called more than once.
func (s *pipeServer) Close() {
	s.closed.Do(func() {
		s.tr.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), closeGrace)
		defer cancel()
		if s.srv.Shutdown(ctx) != nil {
			_ = s.srv.Close()
		}
		<-s.served
		s.mu.Lock()
		s.closing = true
		s.mu.Unlock()
		s.active.Wait()
	})
}

// closeGrace bounds how long Close waits for running handlers.
const closeGrace = 5 * time.Second

// pipeListener hands the server end of each dialled net.Pipe to Accept.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

// dial is the client transport's DialContext: whatever the address, it
// connects to the listener.
func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
		client.Close()
		server.Close()
		return nil, net.ErrClosed
	case <-ctx.Done():
		client.Close()
		server.Close()
		return nil, ctx.Err()
	}
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "replay.localhost:80" }
