package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/internal/safefile"
	"github.com/saasconnect/saasconnect/vendors"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// env is what a command may touch of the outside world, so that tests can run
// the whole CLI in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// errUsage marks an error as a usage error (exit 2). The flag package has
// already printed the details when it wraps flag.ErrHelp.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"vendors", "", "list the prebuilt vendor templates", cmdVendors},
		{"validate", "FILE", "report every problem in a template", cmdValidate},
		{"settings", "FILE|SLUG", "list the settings a template needs", cmdSettings},
		{"test", "(--template FILE | --vendor SLUG) [--setting k=v ...]", "make one authenticated request and explain failures", cmdTest},
		{"run", "(--template FILE | --vendor SLUG) [--setting k=v ...] [--format jsonl|csv|table] [--output FILE] [--deliver flexera ...]", "list users", cmdRun},
		{"suggest", "--sample FILE", "propose a response mapping from a sample record", cmdSuggest},
		{"schedule", "DIR", "run the connectors configured in DIR on their schedules", cmdSchedule},
		{"demo", "", "run a real connector against an embedded fake vendor (no network)", cmdDemo},
		{"schema", "[-o FILE]", "print the template JSON Schema", cmdSchema},
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: saasconnect COMMAND [ARGS]")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Settings not given with --setting come from SAASCONNECT_<SETTING> environment variables.")
	fmt.Fprintln(w, "Run 'saasconnect COMMAND -h' for a command's flags.")
}

// run is the whole CLI: it parses args, runs the command and returns the exit
// status. Errors are printed to e.stderr with control characters escaped
// (escapeLines): they may quote a vendor's response.
func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		printUsage(e.stderr)
		return exitUsage
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		printUsage(e.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, e, args[1:])
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, new(usageError)):
			fmt.Fprintf(e.stderr, "saasconnect %s: %s\n", name, escapeLines(err.Error()))
			fmt.Fprintf(e.stderr, "usage: saasconnect %s %s\n", c.name, c.args)
			return exitUsage
		case errors.Is(err, errReported):
			return exitFailure
		default:
			fmt.Fprintf(e.stderr, "saasconnect %s: %s\n", name, escapeLines(err.Error()))
			return exitFailure
		}
	}
	fmt.Fprintf(e.stderr, "saasconnect: unknown command %q\n\n", name)
	printUsage(e.stderr)
	return exitUsage
}

// errReported means the command already printed why it failed.
var errReported = errors.New("reported")

// newFlags returns a FlagSet for a subcommand that writes its help to stderr.
func newFlags(e env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("saasconnect "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// settingFlags collects repeated --setting k=v flags.
type settingFlags connector.Settings

func (s settingFlags) String() string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k+"=…")
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func (s settingFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want k=v, got %q", v)
	}
	s[k] = val
	return nil
}

// source is the template a test or run command works on.
type source struct {
	template, vendor string
	settings         settingFlags
}

func (s *source) register(fs *flag.FlagSet) {
	s.settings = settingFlags{}
	fs.StringVar(&s.template, "template", "", "template `FILE`")
	fs.StringVar(&s.vendor, "vendor", "", "prebuilt vendor `SLUG` (see 'saasconnect vendors')")
	fs.Var(s.settings, "setting", "a setting as `k=v` (repeatable)")
}

// load returns the template and the settings: flags first, then
// SAASCONNECT_<NAME> environment variables.
func (s *source) load(ctx context.Context, e env) (connector.Template, connector.Settings, error) {
	var (
		t   connector.Template
		err error
	)
	switch {
	case s.template != "" && s.vendor != "":
		return t, nil, usagef("give --template or --vendor, not both")
	case s.template != "":
		t, err = loadTemplateFile(ctx, s.template)
	case s.vendor != "":
		t, err = vendors.Get(s.vendor)
	default:
		return t, nil, usagef("give --template FILE or --vendor SLUG")
	}
	if err != nil {
		return t, nil, err
	}
	return t, settingsFor(t, s.settings, e.getenv), nil
}

// settingsFor merges explicit settings with SAASCONNECT_<NAME> variables for
// every setting the template knows.
func settingsFor(t connector.Template, explicit settingFlags, getenv func(string) string) connector.Settings {
	out := connector.Settings{}
	for _, st := range t.Settings() {
		if v := getenv(envName(st.Name)); v != "" {
			out[st.Name] = v
		}
	}
	for k, v := range explicit {
		out[k] = v
	}
	return out
}

// envName is the environment variable that may hold a setting.
func envName(setting string) string {
	return "SAASCONNECT_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(setting))
}

// loadTemplateFile reads and parses a template file (a regular file of at
// most safefile.MaxSize bytes). Problems name the file.
func loadTemplateFile(ctx context.Context, path string) (connector.Template, error) {
	data, err := safefile.ReadFile(ctx, path)
	if err != nil {
		return connector.Template{}, err
	}
	t, err := connector.ParseTemplate(data)
	if err != nil {
		return t, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// loadTemplateArg loads a template from a file, or a prebuilt vendor when the
// argument is not a file and names one.
func loadTemplateArg(ctx context.Context, arg string) (connector.Template, error) {
	if _, err := os.Stat(arg); err == nil || strings.ContainsAny(arg, `/\.`) {
		return loadTemplateFile(ctx, arg)
	}
	return vendors.Get(arg)
}

// timeNow is the clock of the schedule command's messages.
var timeNow = time.Now

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
