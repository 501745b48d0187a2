package connectortest_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/connector/connectortest"
)

// A vendor's fixture test is one call. The directory holds template.json
// (or pass WithTemplate), settings.json with fake credentials, and one
// *.txtar scenario per case; run "go test -update" to (re)write want.json.
func ExampleReplay() {
	testFixtures := func(t *testing.T) {
		connectortest.Replay(t, filepath.Join("testdata", "replay"),
			connectortest.WithSettings(map[string]string{"org": "acme"}))
	}
	_ = testFixtures // in a real test file: func TestFixtures(t *testing.T) { ... }
}

// A fake vendor with 1000 users behind OAuth2 client credentials, paged by
// cursor, read by a real connector built from the server's own template.
func ExampleNewServer() {
	srv := connectortest.NewServer(connectortest.ServerConfig{
		Users:      1000,
		Pagination: connectortest.PaginateCursor,
		PageSize:   100,
		Auth:       connectortest.AuthOAuth2,
		Faults:     []connectortest.Fault{{Kind: connectortest.FaultServerError, Page: 3, Times: 1}},
	})
	defer srv.Close()

	c, err := connector.New(srv.Template(), "fake", srv.Settings(),
		connector.WithHTTPClient(srv.Client()),
		connector.WithRetry(connector.RetryPolicy{MinWait: time.Millisecond}),
		connector.WithClock(func() time.Time { return connectortest.DefaultNow }))
	if err != nil {
		panic(err)
	}
	users := 0
	rep, err := c.Run(context.Background(), func(saasconnect.User) error { users++; return nil })
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %d users kept of %d records, %d pages, %d requests (1 token, 1 retry), %d never active\n",
		rep.Status, users, rep.Seen, rep.Pages, srv.Requests(), rep.Activity.Never)
	// Output:
	// succeeded: 942 users kept of 1000 records, 10 pages, 12 requests (1 token, 1 retry), 135 never active
}
