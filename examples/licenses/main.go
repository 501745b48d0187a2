// Licenses prints a license utilisation table for one tenant: for each SKU,
// the seats purchased, the seats the vendor says are assigned, how many of
// those the users listing shows, how many of those users are inactive or
// never signed in, and the seats bought but not assigned. It answers the
// question a SaaS manager asks first: which licenses are we paying for and
// not using?
//
// It reads two listings of one connector:
//
//   - Connector.Licenses, the template's licenses block (Microsoft Graph's
//     subscribedSkus here): a few records, walked first into a map by ID.
//   - Connector.Users, streamed: each user's Licenses (the SKU ids, or
//     names, the template maps with its "licenses" field) and Activity bump
//     per-SKU counters, and the user is dropped. Memory is flat in the number
//     of users; it grows only with the number of SKUs.
//
// A vendor that does not report a count leaves it nil (saasconnect.License),
// and the table prints "unknown", not 0: an unknown total has no unused
// seats to report. A SKU a user holds that the licenses listing does not
// name gets a row of its own, with unknown counts. Rows are sorted by wasted
// seats (unused seats plus seats held by inactive or never active users),
// most first.
//
// Without flags it starts a small fake Microsoft 365 tenant on loopback and
// reads it with the embedded template graph.json, which shows the
// declaration (users with assignedLicenses[*].skuId, plus a licenses block):
//
//	go run ./examples/licenses
//
// With a real tenant, give the template file and its settings; secrets come
// from the environment only, as SAASCONNECT_<NAME>:
//
//	export SAASCONNECT_CLIENT_ID=... SAASCONNECT_CLIENT_SECRET=...
//	go run ./examples/licenses -template examples/licenses/graph.json -setting tenant=contoso.onmicrosoft.com
package main

import (
	"cmp"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
)

//go:embed graph.json
var graphTemplate []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "licenses:", err)
		os.Exit(1)
	}
}

// run parses the flags, builds the connector (against the fake tenant when
// no -template is given) and prints the table to stdout. opts are extra
// connector options (the tests fix the clock with them).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, opts ...connector.Option) error {
	fs := flag.NewFlagSet("licenses", flag.ContinueOnError)
	fs.SetOutput(stderr)
	templateFile := fs.String("template", "", "template JSON file declaring users and licenses (default: a fake tenant on loopback)")
	settings := connector.Settings{}
	fs.Func("setting", "a setting, name=value (repeatable); secrets come from SAASCONNECT_<NAME>", func(v string) error {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return fmt.Errorf("want name=value, got %q", v)
		}
		settings[name] = value
		return nil
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *templateFile == "" && len(settings) > 0 {
		return errors.New("-setting needs -template: the fake tenant brings its own settings")
	}

	data, source := graphTemplate, "graph.json"
	if *templateFile != "" {
		b, err := os.ReadFile(*templateFile)
		if err != nil {
			return err
		}
		data, source = b, *templateFile
	}
	tmpl, err := connector.ParseTemplate(data)
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}

	if *templateFile == "" {
		srv := httptest.NewServer(newFakeTenant(demoSKUs))
		defer srv.Close()
		settings = demoSettings(srv.URL)
		// The fake's sign-ins are fixed dates: classify them on its day.
		opts = append([]connector.Option{connector.WithClock(func() time.Time { return demoNow })}, opts...)
	} else {
		// Secrets only from the environment, other settings from -setting
		// first, then from the environment. Unknown names are left for
		// connector.New to report.
		for _, s := range tmpl.Settings() {
			_, given := settings[s.Name]
			if given && s.Secret {
				return fmt.Errorf("-setting %s: secret settings come from the environment only (SAASCONNECT_%s)", s.Name, strings.ToUpper(s.Name))
			}
			if v := getenv("SAASCONNECT_" + strings.ToUpper(s.Name)); v != "" && !given {
				settings[s.Name] = v
			}
		}
	}

	c, err := connector.New(tmpl, tmpl.Slug, settings, opts...)
	if err != nil {
		return err
	}
	rows, users, err := utilisation(ctx, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d users, %d licenses\n\n", c.Name(), users, len(rows))
	return printTable(stdout, rows)
}

// row is one SKU's counters.
type row struct {
	name      string
	total     *int // purchased; nil: the vendor does not say
	assigned  *int // the vendor's count; nil: the vendor does not say
	held      int  // assigned to users the users listing showed
	inactive  int  // of held, users classified inactive
	never     int  // of held, users who never signed in
	unlisted  bool // held by users but absent from the licenses listing
	firstSeen int  // order of appearance, the last tie-break
}

// unused is the seats purchased and not assigned, when both are known.
func (r *row) unused() (int, bool) {
	if r.total == nil || r.assigned == nil {
		return 0, false
	}
	return max(*r.total-*r.assigned, 0), true
}

// wasted is the unused seats (0 when unknown) plus the held seats of
// inactive and never active users.
func (r *row) wasted() int {
	u, _ := r.unused()
	return u + r.inactive + r.never
}

// utilisation walks c's licenses into a map by ID, then streams c's users
// and counts, per license, the users holding it and how many of them are
// inactive or never active. A user's license is matched by ID, then by
// name. It returns the rows sorted by wasted seats, most first, and the
// number of users seen. Any error of either listing (including records that
// could not be mapped) is returned, with no rows: a partial count would
// understate the holders.
func utilisation(ctx context.Context, c *connector.Connector) ([]*row, int, error) {
	var rows []*row // every row, in order of appearance
	byID := map[string]*row{}
	byName := map[string]*row{}
	for l, err := range c.Licenses(ctx) {
		if err != nil {
			return nil, 0, fmt.Errorf("licenses: %w", err)
		}
		r := &row{name: cmp.Or(l.Name, l.ID), total: l.Total, assigned: l.Assigned, firstSeen: len(rows)}
		rows = append(rows, r)
		if l.ID != "" {
			byID[l.ID] = r
		}
		if l.Name != "" {
			byName[l.Name] = r
		}
	}

	users := 0
	for u, err := range c.Users(ctx) {
		if err != nil {
			return nil, 0, fmt.Errorf("users: %w", err)
		}
		users++
		for _, id := range u.Licenses {
			r := byID[id]
			if r == nil {
				r = byName[id]
			}
			if r == nil {
				r = &row{name: id, unlisted: true, firstSeen: len(rows)}
				rows = append(rows, r)
				byID[id] = r
			}
			r.held++
			switch u.Activity {
			case saasconnect.ActivityInactive:
				r.inactive++
			case saasconnect.ActivityNever:
				r.never++
			}
		}
	}

	slices.SortFunc(rows, func(a, b *row) int {
		return cmp.Or(
			cmp.Compare(b.wasted(), a.wasted()),
			cmp.Compare(a.name, b.name),
			cmp.Compare(a.firstSeen, b.firstSeen))
	})
	return rows, users, nil
}

// printTable writes rows as an aligned table, "unknown" where the vendor
// gives no count, and a note when a SKU held by users was not listed.
func printTable(w io.Writer, rows []*row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SKU\tPURCHASED\tASSIGNED\tHELD\tINACTIVE\tNEVER\tUNUSED\tWASTED")
	unlisted := false
	for _, r := range rows {
		name := r.name
		if r.unlisted {
			name += " *"
			unlisted = true
		}
		unused := "unknown"
		if u, ok := r.unused(); ok {
			unused = strconv.Itoa(u)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%d\n",
			name, count(r.total), count(r.assigned), r.held, r.inactive, r.never, unused, r.wasted())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if unlisted {
		_, err := fmt.Fprintln(w, "\n* held by users but not in the licenses listing")
		return err
	}
	return nil
}

// count prints n, or "unknown" for nil.
func count(n *int) string {
	if n == nil {
		return "unknown"
	}
	return strconv.Itoa(*n)
}
