// Prebuilt lists an Okta org's users with the prebuilt "okta" template from
// package vendors: no template to write, only settings to supply.
//
// vendors.Get returns the template (a copy, free to change); its Settings
// method says what a user must supply. This program turns that list into
// its command line, the same way the saasconnect CLI does:
//
//   - every setting that is not secret is a flag of the same name
//     (-okta_domain, -base_url, -ca_file), or the environment variable
//     SAASCONNECT_<NAME> (SAASCONNECT_OKTA_DOMAIN);
//   - secrets (api_key, an Okta API token) come only from the environment
//     (SAASCONNECT_API_KEY), never from flags, which other users of the
//     machine can read in the process list.
//
// The template sends "Authorization: SSWS <token>", asks for 200 users a
// page and follows Okta's Link rel="next" header. It maps profile.email,
// profile.displayName (or, without one, first and last name), status
// (ACTIVE, LOCKED_OUT, DEPROVISIONED, ...) and lastLogin, and drops
// DEPROVISIONED users.
//
// Run it against your org (the token needs read access to users):
//
//	export SAASCONNECT_API_KEY=00a...
//	go run ./examples/prebuilt -okta_domain acme.okta.com
//	go run ./examples/prebuilt -okta_domain acme.okta.com -check   # one request, to test the credentials
//
// `go run ./cmd/saasconnect settings okta` prints the same settings table
// the -h flag of this program does.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/vendors"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "prebuilt:", err)
		os.Exit(1)
	}
}

// run is the whole program. getenv is where secrets (and settings not given
// as flags) come from; opts are extra connector options (the tests fix the
// clock and shorten retries with them).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, opts ...connector.Option) error {
	tmpl, err := vendors.Get("okta")
	if err != nil {
		return err
	}

	fs := flag.NewFlagSet("prebuilt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	check := fs.Bool("check", false, "only test the settings and credentials (one request), list no users")
	flags := map[string]*string{}
	for _, s := range tmpl.Settings() {
		if s.Secret {
			continue // secrets never come from flags
		}
		usage := s.Description
		if s.Required {
			usage += " (required)"
		}
		flags[s.Name] = fs.String(s.Name, "", usage+"; or "+envName(s.Name))
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: prebuilt [flags]\n\nSecrets come from the environment:\n")
		for _, s := range tmpl.Settings() {
			if s.Secret {
				fmt.Fprintf(stderr, "  %s\t%s\n", envName(s.Name), s.Description)
			}
		}
		fmt.Fprintln(stderr, "\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h: usage printed, nothing else to do
		}
		return err
	}

	// Flags first, then the environment. Settings left out take their
	// template default (base_url is https://{okta_domain}); a required one
	// left out is an error from connector.New that names it.
	settings := connector.Settings{}
	for _, s := range tmpl.Settings() {
		v := getenv(envName(s.Name))
		if f := flags[s.Name]; f != nil && *f != "" {
			v = *f
		}
		if v != "" {
			settings[s.Name] = v
		}
	}

	c, err := connector.New(tmpl, "okta", settings, opts...)
	if err != nil {
		return err
	}

	if *check {
		// Test tells bad credentials from a wrong URL or a wrong mapping,
		// with a hint; see connector.TestError.
		if err := c.Test(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "okta: settings and credentials work")
		return nil
	}

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tSTATUS\tDEPARTMENT\tACTIVITY\tLAST LOGIN")
	report, runErr := c.Run(ctx, func(u saasconnect.User) error {
		_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n",
			u.Email, u.Name, u.Status, dash(u.Department), u.Activity, lastLogin(u.LastActivity))
		return err
	})
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%s: %s; %d requests (%d retried), %d pages; %d users kept, %d filtered out; activity: %s\n",
		report.Connector, report.Status, report.Requests, report.Retries, report.Pages,
		report.Kept, report.Filtered, report.Activity)
	return runErr
}

// envName is the environment variable of a setting: SAASCONNECT_API_KEY
// for api_key, as the saasconnect CLI reads them.
func envName(setting string) string {
	return "SAASCONNECT_" + strings.ToUpper(setting)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func lastLogin(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Format(time.RFC3339)
}
