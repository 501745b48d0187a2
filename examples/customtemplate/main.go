// Customtemplate declares a connector for a vendor that no prebuilt template
// covers, written as a Go literal instead of a JSON file, and runs it.
//
// The vendor is imaginary: "Acme Chat", whose admin API lists the members of
// a workspace at GET /v2/workspaces/{workspace}/members. The template in
// template.go says everything the SDK needs to know about it:
//
//   - auth: an API key sent raw in the X-Acme-Key header (api_key);
//   - pagination: a cursor read from meta.next_cursor and sent back as
//     ?cursor=, with ?limit= as the page size (cursor_limit);
//   - mapping: member fields onto saasconnect.User, vendor states onto
//     statuses, epoch-second timestamps (time_format "unix"), and one extra
//     field ("plan") that lands in User.Extra;
//   - a filter that drops bot accounts;
//   - activity: last_seen_at, inactive after 90 days.
//
// connector.New validates and compiles the template once; Run walks every
// page and hands each user to a callback, then returns the Report (the run's
// execution log), which the program prints after the users.
//
// Run it offline (it starts a small fake Acme Chat API on loopback, fake.go):
//
//	go run ./examples/customtemplate
//
// or against a real deployment:
//
//	ACME_API_KEY=... go run ./examples/customtemplate -base-url https://api.acme-chat.example -workspace W0123
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "customtemplate:", err)
		os.Exit(1)
	}
}

// run is the whole program: parse flags, build the connector, print every
// user and then the run's report. getenv supplies the API key (ACME_API_KEY);
// opts are extra connector options (the tests fix the clock with them).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, opts ...connector.Option) error {
	fs := flag.NewFlagSet("customtemplate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	baseURL := fs.String("base-url", "", "Acme Chat API root; empty starts a fake Acme Chat API on loopback")
	workspace := fs.String("workspace", "W0123", "workspace ID")
	if err := fs.Parse(args); err != nil {
		return err
	}

	settings := connector.Settings{
		"workspace": *workspace,
		"api_key":   getenv("ACME_API_KEY"),
	}
	if *baseURL == "" {
		// No vendor at hand: serve the fake one. Its key is fixed.
		srv := httptest.NewServer(fakeAcme())
		defer srv.Close()
		settings["base_url"] = srv.URL
		settings["api_key"] = fakeKey
	} else {
		settings["base_url"] = *baseURL
	}
	if settings["api_key"] == "" {
		return errors.New("set ACME_API_KEY to the workspace admin's API key")
	}

	// New validates the template (every problem at once, each with its JSON
	// path), checks the settings and compiles paths, filters and paging.
	c, err := connector.New(acmeChat, "acme-"+*workspace, settings, opts...)
	if err != nil {
		return err
	}

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tSTATUS\tROLE\tPLAN\tACTIVITY\tLAST ACTIVITY")
	report, runErr := c.Run(ctx, func(u saasconnect.User) error {
		_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\t%s\t%s\n",
			u.Email, u.Name, u.Status, u.Role, u.Extra["plan"], u.Activity, day(u.LastActivity))
		return err
	})
	if err := tw.Flush(); err != nil {
		return err
	}
	printReport(stdout, report)
	// runErr is nil only for a succeeded run; the report above says what
	// happened either way.
	return runErr
}

// day formats a last-activity time, "-" when there is none.
func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.DateOnly)
}

// printReport writes the parts of a connector.Report a person reads first.
func printReport(w io.Writer, r connector.Report) {
	fmt.Fprintf(w, "\nrun %s: %s\n", r.Connector, r.Status)
	fmt.Fprintf(w, "requests %d, retries %d, pages %d\n", r.Requests, r.Retries, r.Pages)
	fmt.Fprintf(w, "records: %d seen, %d kept, %d filtered\n", r.Seen, r.Kept, r.Filtered)
	fmt.Fprintf(w, "activity: %s\n", r.Activity)
	for _, e := range r.RecordErrors {
		fmt.Fprintf(w, "skipped: %v\n", e)
	}
	if r.Err != "" {
		fmt.Fprintf(w, "error: %s\n", r.Err)
	}
}
