package connector

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saasconnect/saasconnect/paginate"
)

// stallingBody returns prefix, then blocks until ctx is done.
type stallingBody struct {
	ctx    context.Context
	prefix io.Reader
}

func (b *stallingBody) Read(p []byte) (int, error) {
	if n, err := b.prefix.Read(p); n > 0 || err != io.EOF {
		return n, err
	}
	<-b.ctx.Done()
	return 0, b.ctx.Err()
}

func (b *stallingBody) Close() error { return nil }

func TestTimeoutCoversHeadersAndBody(t *testing.T) {
	tmpl := newFakeVendor(t, 1, paginate.None, AuthNone).template("https://vendor.test")
	t.Run("body stalls: each attempt times out mid-body and is retried", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: 200, Header: http.Header{}, Request: r,
					Body: &stallingBody{ctx: r.Context(), prefix: strings.NewReader(`{"data":[{"id":"1"`)}}, nil
			})
			c, err := New(tmpl, "to", nil, WithHTTPClient(&http.Client{Transport: rt}), WithTimeout(5*time.Second))
			require.NoError(t, err)
			start := time.Now()
			_, rep, err := collect(t, c, t.Context())
			require.Error(t, err)
			// Five attempts of 5s each, with backoff between them.
			assert.GreaterOrEqual(t, time.Since(start), 25*time.Second)
			assert.Equal(t, DefaultMaxAttempts-1, rep.Retries)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Contains(t, err.Error(), "reading response body at byte offset 18")
			assert.Equal(t, Failed, rep.Status)
		})
	})
	t.Run("headers never come: each attempt times out and is retried", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var mu sync.Mutex
			attempts := 0
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				attempts++
				mu.Unlock()
				<-r.Context().Done()
				return nil, r.Context().Err()
			})
			c, err := New(tmpl, "to", nil, WithHTTPClient(&http.Client{Transport: rt}), WithTimeout(5*time.Second),
				WithRetry(RetryPolicy{MaxAttempts: 3, MinWait: time.Second, MaxWait: time.Second}))
			require.NoError(t, err)
			_, rep, err := collect(t, c, t.Context())
			require.Error(t, err)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Equal(t, 3, attempts)
			assert.Equal(t, 2, rep.Retries)
			assert.Equal(t, 3, rep.Requests)
			assert.Equal(t, Failed, rep.Status)
		})
	})
}

func TestConcurrentRunsShareOneToken(t *testing.T) {
	f := newFakeVendor(t, 10, paginate.OffsetLimit, AuthOAuth2)
	srv := f.server()
	c, err := New(f.template(srv.URL), "conc", f.settings(), WithPrefetch(2))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			users, rep, err := collect(t, c, t.Context())
			assert.NoError(t, err)
			assert.Equal(t, seq(10), ids(users))
			assert.Equal(t, Succeeded, rep.Status)
		})
	}
	wg.Wait()
	_, tokens := f.hits()
	assert.Equal(t, 1, tokens)
}

func TestTemplateJSONRoundTrip(t *testing.T) {
	tmpl := MustParseTemplate([]byte(validJSON))
	data, err := json.Marshal(tmpl)
	require.NoError(t, err)
	back, err := ParseTemplate(data)
	require.NoError(t, err)
	assert.Equal(t, tmpl, back)
}

func TestUsersCancelledContext(t *testing.T) {
	f := newFakeVendor(t, 3, paginate.None, AuthNone)
	srv := f.server()
	c, err := New(f.template(srv.URL), "cx", nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	n := 0
	for _, err := range c.Users(ctx) {
		n++
		assert.ErrorIs(t, err, context.Canceled)
	}
	assert.Equal(t, 1, n)
	pages, _ := f.hits()
	assert.Equal(t, 0, pages)
}
