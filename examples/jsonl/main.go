// Jsonl streams a connector's users to a JSON Lines file, one
// saasconnect.User per line, with memory that stays flat however many users
// the vendor has.
//
// It shows three things:
//
//   - Connector.Users is an iterator (iter.Seq2[saasconnect.User, error]):
//     a for-range loop gets the users one at a time, as the pages come in,
//     and the loop's error, if any, comes once, last. Nothing holds all the
//     users, so a tenant of a million users costs what a tenant of a
//     thousand does.
//   - The file is written atomically: into a temporary file next to it,
//     flushed and synced, then renamed over the target. A run that fails
//     or is interrupted halfway (Ctrl-C cancels the context, which stops the
//     walk) leaves the previous file as it was and no partial one.
//   - Settings from the command line (-set name=value) and secrets from the
//     environment (SAASCONNECT_<NAME>, e.g. SAASCONNECT_API_KEY), as the
//     saasconnect CLI takes them.
//
// Try it with no vendor account: -demo N starts connectortest's fake vendor
// with N generated users on loopback.
//
//	go run ./examples/jsonl -demo 100000 -o users.jsonl
//
// With a prebuilt vendor or a template file of your own:
//
//	SAASCONNECT_API_KEY=... go run ./examples/jsonl -vendor okta -set okta_domain=acme.okta.com -o okta.jsonl
//	SAASCONNECT_API_KEY=... go run ./examples/jsonl -template acme.json -set org=acme -o acme.jsonl
//
// Each line is a User in its JSON form (snake_case keys, empty fields
// left out), e.g. {"id":"42","email":"ada@example.com",...,"activity":"active"}.
// Progress goes to stderr.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/connector/connectortest"
	"github.com/saasconnect/saasconnect/vendors"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "jsonl:", err)
		os.Exit(1)
	}
}

// run parses the flags, builds the connector and writes the file. opts are
// extra connector options (tests add a clock, fast retries or a progress
// hook).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, opts ...connector.Option) error {
	fs := flag.NewFlagSet("jsonl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vendor := fs.String("vendor", "", "prebuilt vendor slug (see `saasconnect vendors`)")
	templateFile := fs.String("template", "", "template JSON file")
	demo := fs.Int("demo", 0, "serve this many fake users on loopback instead of calling a vendor")
	out := fs.String("o", "", "output file (required); replaced atomically")
	quiet := fs.Bool("q", false, "no progress on stderr")
	set := settingsFlag{}
	fs.Var(set, "set", "a setting, name=value (repeatable); secrets come from SAASCONNECT_<NAME>")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *out == "" {
		return errors.New("-o FILE is required")
	}

	var tmpl connector.Template
	name := *vendor
	settings := connector.Settings{}
	switch {
	case *demo > 0:
		srv := connectortest.NewServer(demoConfig(*demo))
		defer srv.Close()
		tmpl, name, settings = srv.Template(), "demo", srv.Settings()
		// The fake's activity is relative to its own clock; classify on it.
		opts = append([]connector.Option{connector.WithClock(func() time.Time { return srv.Config().Now })}, opts...)
	case *vendor != "" && *templateFile == "":
		t, err := vendors.Get(*vendor)
		if err != nil {
			return err
		}
		tmpl = t
	case *templateFile != "" && *vendor == "":
		data, err := os.ReadFile(*templateFile)
		if err != nil {
			return err
		}
		t, err := connector.ParseTemplate(data)
		if err != nil {
			return fmt.Errorf("%s: %w", *templateFile, err)
		}
		tmpl, name = t, t.Slug
	default:
		return errors.New("give one of -vendor SLUG, -template FILE or -demo N")
	}

	// Secrets only from the environment; other settings from -set, else
	// from the environment too (not for -demo, which brings its own).
	// Unknown names are left for connector.New to report.
	secret := map[string]bool{}
	for _, s := range tmpl.Settings() {
		secret[s.Name] = s.Secret
		if v := getenv("SAASCONNECT_" + strings.ToUpper(s.Name)); v != "" && *demo == 0 {
			settings[s.Name] = v
		}
	}
	for k, v := range set {
		if secret[k] {
			return fmt.Errorf("-set %s: secret settings come from the environment only (SAASCONNECT_%s)", k, strings.ToUpper(k))
		}
		settings[k] = v
	}

	if !*quiet {
		opts = append(opts, connector.WithProgress(func(p connector.Progress) {
			fmt.Fprintf(stderr, "\r%s: %d pages, %d users", p.Connector, p.Pages, p.Users)
		}))
	}
	c, err := connector.New(tmpl, name, settings, opts...)
	if err != nil {
		return err
	}
	n, err := writeJSONL(ctx, c, *out)
	if !*quiet {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d users to %s\n", n, *out)
	return nil
}

// writeJSONL writes every user c lists to path, one JSON object a line, and
// returns how many it wrote. The file appears only when the whole listing
// was written: on any error (the walk's, the disk's, a cancelled ctx) path
// is left as it was and the temporary file is removed. The new file is
// readable by its owner only: it holds personal data.
func writeJSONL(ctx context.Context, c *connector.Connector, path string) (n int, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()

	w := bufio.NewWriterSize(f, 256<<10)
	enc := json.NewEncoder(w)
	// One user in memory at a time: the encoder writes it into the buffer,
	// the buffer goes to the file when full.
	for u, err := range c.Users(ctx) {
		if err != nil {
			return n, err
		}
		if err := enc.Encode(u); err != nil {
			return n, err
		}
		n++
	}
	if err := w.Flush(); err != nil {
		return n, err
	}
	if err := f.Sync(); err != nil {
		return n, err
	}
	if err := f.Close(); err != nil {
		return n, err
	}
	return n, os.Rename(f.Name(), path)
}

// demoConfig is the fake vendor -demo serves: n users, 500 a page, linked
// by Link headers, behind an API key.
func demoConfig(n int) connectortest.ServerConfig {
	return connectortest.ServerConfig{
		Users:      n,
		Pagination: connectortest.PaginateLinkHeader,
		PageSize:   500,
		Auth:       connectortest.AuthAPIKey,
	}
}

// settingsFlag collects -set name=value flags.
type settingsFlag map[string]string

func (s settingsFlag) String() string { return "" }

func (s settingsFlag) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("want name=value, got %q", v)
	}
	s[name] = value
	return nil
}
