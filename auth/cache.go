package auth

import (
	"context"
	"sync"
	"time"
)

// tokenCache holds one credential with the time it goes stale, and obtains a
// new one with fetch when it is missing or stale. Fetches are single-flight:
// however many goroutines need a credential at once, fetch runs once and they
// all get its result.
//
// The fetch runs in its own goroutine with a context that carries the values
// of the ctx of the call that started it but not its cancellation; it is
// cancelled when every caller waiting for it has given up (its ctx is done),
// so one impatient caller does not fail the others, and no ctx outlives the
// calls that use it.
type tokenCache[T any] struct {
	// fetch obtains a credential and the time it goes stale (zero: never).
	fetch func(ctx context.Context) (T, time.Time, error)

	mu      sync.Mutex
	val     T
	ok      bool      // val is set
	staleAt time.Time // zero: until invalidated
	flight  *flight[T]
}

// flight is one fetch in progress.
type flight[T any] struct {
	done    chan struct{} // closed when val and err are set
	val     T
	err     error
	waiters int                // callers waiting; guarded by tokenCache.mu
	cancel  context.CancelFunc // cancels the fetch
}

// get returns the cached credential, fetching one if needed.
func (c *tokenCache[T]) get(ctx context.Context) (T, error) {
	var zero T
	c.mu.Lock()
	if c.ok && (c.staleAt.IsZero() || time.Now().Before(c.staleAt)) {
		v := c.val
		c.mu.Unlock()
		return v, nil
	}
	if err := ctx.Err(); err != nil {
		c.mu.Unlock()
		return zero, err
	}
	f := c.flight
	if f == nil {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight[T]{done: make(chan struct{}), cancel: cancel}
		c.flight = f
		go c.run(fctx, f)
	}
	f.waiters++
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		select {
		case <-f.done: // finished meanwhile: use it
			return f.val, f.err
		default:
		}
		c.mu.Lock()
		f.waiters--
		if f.waiters == 0 && c.flight == f {
			// Nobody wants this result any more: stop the fetch, and let
			// the next caller start a fresh one.
			c.flight = nil
			f.cancel()
		}
		c.mu.Unlock()
		return zero, ctx.Err()
	}
}

// run performs the fetch of f and publishes its result.
func (c *tokenCache[T]) run(ctx context.Context, f *flight[T]) {
	defer f.cancel()
	v, staleAt, err := c.fetch(ctx)
	c.mu.Lock()
	f.val, f.err = v, err
	if c.flight == f {
		c.flight = nil
		if err == nil {
			c.val, c.staleAt, c.ok = v, staleAt, true
		}
	}
	c.mu.Unlock()
	close(f.done)
}

// invalidate drops the cached credential. A fetch in progress is not
// affected: its result is fresh.
func (c *tokenCache[T]) invalidate() {
	c.invalidateIf(func(T) bool { return true })
}

// invalidateIf drops the cached credential if stale(credential) is true.
func (c *tokenCache[T]) invalidateIf(stale func(T) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && stale(c.val) {
		var zero T
		c.val, c.ok, c.staleAt = zero, false, time.Time{}
	}
}
