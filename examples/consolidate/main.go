// Consolidate lists the users of two (or more) Microsoft Entra ID tenants
// with the prebuilt "microsoft-entra" template and merges them into one
// list with one entry per person, using connector.Consolidate.
//
// A company that acquired another often runs two tenants for a while:
// contoso.onmicrosoft.com and fabrikam.onmicrosoft.com. The same person then
// shows up in both, usually as a member in one and a B2B guest in the other,
// and not always with the same spelling of the address
// ("AdeleV@contoso.com" at home, "adelev@contoso.com" as a guest). Counting
// licences or finding inactive people per tenant double-counts them.
//
// The program builds one connector per tenant from the same template (the
// instances differ only in their settings), runs them concurrently (a
// Connector is safe for concurrent use, and each tenant has its own token),
// and hands the per-tenant lists to connector.Consolidate. Consolidate
// treats records with the same email, compared case-insensitively, or the
// same ID as one person; the record with the latest activity wins, and its
// empty fields (a guest account's department, say) are filled from the
// others. The CONNECTOR column shows which tenant's record won. Merging
// needs every tenant's list at once, so this program, unlike the jsonl
// example, holds all users in memory.
//
// The app registration is multi-tenant, with the application permissions
// User.Read.All and AuditLog.Read.All consented in every tenant, so one
// client ID and secret serve them all:
//
//	export SAASCONNECT_CLIENT_ID=... SAASCONNECT_CLIENT_SECRET=...
//	go run ./examples/consolidate -tenant contoso.onmicrosoft.com -tenant fabrikam.onmicrosoft.com
//
// -graph-url and -login-url point the program at another cloud (or, in the
// test, at a fake one).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
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
		fmt.Fprintln(os.Stderr, "consolidate:", err)
		os.Exit(1)
	}
}

// tenantResult is what one tenant's run produced.
type tenantResult struct {
	tenant string
	users  []saasconnect.User
	report connector.Report
	err    error
}

// run lists every tenant, prints a line per tenant and the merged users.
// It returns an error when a tenant's run did not succeed; the users of the
// tenants that did are still merged and printed. opts are extra connector
// options (the tests fix the clock with them).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, opts ...connector.Option) error {
	fs := flag.NewFlagSet("consolidate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var tenants []string
	fs.Func("tenant", "tenant ID or primary domain (repeat for each tenant)", func(s string) error {
		tenants = append(tenants, s)
		return nil
	})
	graphURL := fs.String("graph-url", "", "Microsoft Graph root (default: the template's, https://graph.microsoft.com/v1.0)")
	loginURL := fs.String("login-url", "", "identity platform root, e.g. https://login.microsoftonline.com (default: the template's token_url)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if len(tenants) == 0 {
		return errors.New("name the tenants to merge with -tenant (at least one, usually two or more)")
	}

	tmpl, err := vendors.Get("microsoft-entra")
	if err != nil {
		return err
	}

	// One connector per tenant, from the same template.
	conns := make([]*connector.Connector, len(tenants))
	for i, tenant := range tenants {
		s := connector.Settings{
			"tenant":        tenant,
			"client_id":     getenv("SAASCONNECT_CLIENT_ID"),
			"client_secret": getenv("SAASCONNECT_CLIENT_SECRET"),
		}
		if *graphURL != "" {
			s["base_url"] = *graphURL
		}
		if *loginURL != "" {
			s["token_url"] = strings.TrimSuffix(*loginURL, "/") + "/" + url.PathEscape(tenant) + "/oauth2/v2.0/token"
		}
		c, err := connector.New(tmpl, tenant, s, opts...)
		if err != nil {
			return err
		}
		conns[i] = c
	}

	// Run the tenants concurrently; each collects its own list.
	results := make([]tenantResult, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() {
			r := &results[i]
			r.tenant = c.Name()
			r.report, r.err = c.Run(ctx, func(u saasconnect.User) error {
				r.users = append(r.users, u)
				return nil
			})
		})
	}
	wg.Wait()

	var lists [][]saasconnect.User
	var errs []error
	total := 0
	for _, r := range results {
		fmt.Fprintf(stdout, "%s: %d users, %s\n", r.tenant, len(r.users), r.report.Status)
		if r.err != nil {
			errs = append(errs, fmt.Errorf("tenant %s: %w", r.tenant, r.err))
			continue
		}
		lists = append(lists, r.users)
		total += len(r.users)
	}

	merged := connector.Consolidate(lists...)
	fmt.Fprintf(stdout, "%d users in %d tenants, %d people\n\n", total, len(lists), len(merged))

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tDEPARTMENT\tSTATUS\tACTIVITY\tLAST SIGN-IN\tCONNECTOR")
	for _, u := range merged {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			or(u.Email, "id:"+u.ID), u.Name, or(u.Department, "-"), u.Status, u.Activity, signIn(u.LastActivity), u.Connector)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func signIn(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Format(time.DateOnly)
}
