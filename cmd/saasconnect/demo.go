package main

import (
	"context"
	"fmt"
	"time"

	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/internal/fakevendor"
	"github.com/saasconnect/saasconnect/internal/fakevendor/fvtemplate"
)

// cmdDemo starts an in-process fake vendor on loopback and runs a real
// connector against it through the whole stack: OAuth2 client credentials,
// Link-header pagination, a throttled page that is retried, mapping, a filter
// that drops bots, and activity classification. It needs no network and no
// credentials.
func cmdDemo(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "demo")
	users := fs.Int("users", 40, "how many users the fake vendor serves")
	format := fs.String("format", "table", "output `format`: jsonl, csv or table")
	showTemplate := fs.Bool("template", false, "print the demo's template and exit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	newWriter, ok := formats[*format]
	if !ok {
		return usagef("unknown --format %q (want jsonl, csv or table)", *format)
	}
	if *users < 0 {
		return usagef("--users must not be negative")
	}
	srv := fakevendor.NewServer(fakevendor.ServerConfig{
		Users:      *users,
		Pagination: fakevendor.PaginateLinkHeader,
		PageSize:   10,
		Auth:       fakevendor.AuthOAuth2,
		Now:        timeNow().UTC(),
		// The second page answers 429 once: the connector waits and retries.
		Faults: []fakevendor.Fault{{Kind: fakevendor.FaultRateLimit, Page: 2, Times: 1}},
	})
	defer srv.Close()
	if *showTemplate {
		_, err := e.stdout.Write(fvtemplate.JSON(srv))
		return err
	}
	fmt.Fprintf(e.stderr, "demo: fake vendor at %s serving %d users (OAuth2, Link-header pages of 10, page 2 throttled once)\n", srv.URL(), *users)
	c, err := connector.New(fvtemplate.Template(srv), "demo", srv.Settings(),
		connector.WithHTTPClient(srv.Client()),
		connector.WithRetry(connector.RetryPolicy{MinWait: 50 * time.Millisecond, MaxWait: 2 * time.Second}),
		connector.WithProgress(progressPrinter(e.stderr)),
		logOption(e, false),
	)
	if err != nil {
		return err
	}
	return runAndWrite(ctx, e, c, newWriter, "", &deliverFlags{})
}
