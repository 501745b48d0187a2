package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
)

// cmdTest makes one authenticated request per declared listing (users,
// then each resource) and names the listings it checked.
func cmdTest(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "test")
	var src source
	src.register(fs)
	verbose := fs.Bool("v", false, "log each HTTP request to stderr")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	t, settings, err := src.load(ctx, e)
	if err != nil {
		return err
	}
	c, err := connector.New(t, instanceName(t, src), settings, logOption(e, *verbose))
	if err != nil {
		return err
	}
	if err := c.Test(ctx); err != nil {
		return err
	}
	names := make([]string, 0, 4)
	for _, r := range c.Resources() {
		names = append(names, string(r))
	}
	fmt.Fprintf(e.stdout, "%s: ok (%s)\n", c.Name(), strings.Join(names, ", "))
	return nil
}

// runFlags are the flags of the run command.
type runFlags struct {
	source
	format, output string
	verbose        bool
	prefetch       int
	raw            bool
	csvRaw         bool
	resource       string
	deliver        deliverFlags
}

// cmdRun lists users and writes them out.
func cmdRun(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "run")
	var f runFlags
	f.register(fs)
	fs.StringVar(&f.format, "format", "jsonl", "output `format`: jsonl, csv or table")
	fs.StringVar(&f.output, "output", "", "write the records to `FILE` instead of stdout: a regular file is replaced atomically after a complete run, a device or FIFO is streamed to, - is stdout; with several resources each goes to FILE with the resource before the extension (out.licenses.jsonl)")
	fs.StringVar(&f.resource, "resource", "users", "the `listing` to run: users, licenses, applications, assignments, or all the template declares")
	fs.BoolVar(&f.verbose, "v", false, "log each HTTP request to stderr")
	fs.IntVar(&f.prefetch, "prefetch", 1, "pages in flight at once when the total is known")
	fs.BoolVar(&f.raw, "raw", false, "include each vendor record verbatim (jsonl only)")
	fs.BoolVar(&f.csvRaw, "csv-raw", false, "csv: write cells verbatim; by default a cell starting with = + - @ tab or CR gets a leading ' so spreadsheets do not run it as a formula")
	f.deliver.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	newWriter, ok := formats[f.format]
	if !ok {
		return usagef("unknown --format %q (want jsonl, csv or table)", f.format)
	}
	if f.csvRaw && f.format == "csv" {
		newWriter = newRawCSVWriter
	}
	if err := checkOutput(f.output); err != nil {
		return err
	}
	if err := f.deliver.check(); err != nil {
		return err
	}
	t, settings, err := f.load(ctx, e)
	if err != nil {
		return err
	}
	c, err := connector.New(t, instanceName(t, f.source), settings,
		logOption(e, f.verbose),
		connector.WithPrefetch(f.prefetch),
		connector.WithRawRecords(f.raw),
		connector.WithProgress(progressPrinter(e.stderr)),
	)
	if err != nil {
		return err
	}
	resources, err := selectResources(c, f.resource)
	if err != nil {
		return err
	}
	if len(resources) == 1 && resources[0] == connector.ResourceUsers {
		return runAndWrite(ctx, e, c, newWriter, f.output, &f.deliver)
	}
	return runResources(ctx, e, c, &f, resources)
}

// selectResources returns the resources --resource names: one declared
// resource, or every declared one for "all". Anything else is a usage error
// naming the declared resources.
func selectResources(c *connector.Connector, name string) ([]connector.Resource, error) {
	declared := c.Resources()
	if name == "all" {
		return declared, nil
	}
	if slices.Contains(declared, connector.Resource(name)) {
		return []connector.Resource{connector.Resource(name)}, nil
	}
	names := make([]string, len(declared))
	for i, r := range declared {
		names[i] = string(r)
	}
	return nil, usagef("--resource %q: the template declares %s (or give all)", escapeText(name), strings.Join(names, ", "))
}

// resourcePath is the output file of resource r when a run writes several:
// path with the resource inserted before its extension (out.jsonl ->
// out.licenses.jsonl; out -> out.licenses). Stdout stays stdout.
func resourcePath(path string, r connector.Resource) string {
	if path == "" || path == "-" {
		return path
	}
	ext := filepath.Ext(path)
	if ext == filepath.Base(path) { // ".hidden"
		ext = ""
	}
	return strings.TrimSuffix(path, ext) + "." + string(r) + ext
}

// runResources runs each resource in turn, writing its records in f.format
// to its own output (resourcePath when there are several; each regular file
// replaced atomically after a run that walked the whole listing), and
// prints one report per resource to stderr. Every resource runs even when
// an earlier one failed; the result is errReported unless every run
// succeeded. With --deliver, the users go out as a roster and the
// applications as an ApplicationDiscovery import, each only after its own
// run succeeded.
func runResources(ctx context.Context, e env, c *connector.Connector, f *runFlags, resources []connector.Resource) error {
	paths := make([]string, len(resources))
	for i, r := range resources {
		paths[i] = f.output
		if len(resources) > 1 {
			paths[i] = resourcePath(f.output, r)
		}
		if paths[i] == "" || paths[i] == "-" {
			continue
		}
		if err := checkOutput(paths[i]); err != nil {
			return err
		}
	}
	if len(resources) > 1 && f.output != "" && f.output != "-" {
		if _, fi, err := outputTarget(f.output); err == nil && fi != nil && !fi.Mode().IsRegular() {
			return usagef("--output %s is a device or FIFO: several resources need a file path", escapeText(f.output))
		}
	}
	delivers := func(r connector.Resource) bool { return f.deliver.enabled() && slices.Contains(resources, r) }
	if f.deliver.enabled() && !delivers(connector.ResourceUsers) && !delivers(connector.ResourceApplications) {
		return usagef("--deliver sends users and applications: run --resource users, applications or all")
	}
	var (
		failed  bool
		keep    collected
		reports = map[connector.Resource]connector.Report{}
	)
	keep.users, keep.apps = delivers(connector.ResourceUsers), delivers(connector.ResourceApplications)
	for i, r := range resources {
		rep, err := runOne(ctx, e, c, f, r, paths[i], &keep)
		if err != nil {
			return err
		}
		reports[r] = rep
		failed = failed || rep.Status != connector.Succeeded
	}
	var errs []error
	if keep.users {
		errs = append(errs, deliver(ctx, e, c.Name(), &f.deliver, keep.userList, reports[connector.ResourceUsers]))
	}
	if keep.apps {
		errs = append(errs, deliverApplications(ctx, e, &f.deliver, keep.appList, reports[connector.ResourceApplications]))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if failed {
		return errReported
	}
	return nil
}

// collected holds the records a delivery needs, when it is asked for.
type collected struct {
	users, apps bool
	userList    []saasconnect.User
	appList     []saasconnect.Application
}

// runOne runs resource r into path and prints its report, keeping the
// records keep asks for. The error is for output failures only; the run's
// own outcome is in the report.
func runOne(ctx context.Context, e env, c *connector.Connector, f *runFlags, r connector.Resource, path string, keep *collected) (connector.Report, error) {
	out, err := openOutput(e, path)
	if err != nil {
		return connector.Report{}, err
	}
	defer out.abort()
	var (
		s      connector.Sinks
		closeW func() error
	)
	switch r {
	case connector.ResourceUsers:
		w := newRecordWriter(f.format, f.csvRaw, userLayout, out)
		s.Users, closeW = func(u saasconnect.User) error {
			if keep.users {
				keep.userList = append(keep.userList, u)
			}
			return w.Write(u)
		}, w.Close
	case connector.ResourceLicenses:
		w := newRecordWriter(f.format, f.csvRaw, licenseLayout, out)
		s.Licenses, closeW = w.Write, w.Close
	case connector.ResourceApplications:
		w := newRecordWriter(f.format, f.csvRaw, applicationLayout, out)
		s.Applications, closeW = func(a saasconnect.Application) error {
			if keep.apps {
				keep.appList = append(keep.appList, a)
			}
			return w.Write(a)
		}, w.Close
	case connector.ResourceAssignments:
		w := newRecordWriter(f.format, f.csvRaw, assignmentLayout, out)
		s.Assignments, closeW = w.Write, w.Close
	}
	rep, runErr := c.RunResource(ctx, r, s)
	if err := closeW(); err != nil && runErr == nil {
		return rep, err
	}
	printReport(e.stderr, rep)
	if rep.Walked {
		if err := out.commit(); err != nil {
			return rep, err
		}
	} else if !out.streamed() {
		fmt.Fprintf(e.stderr, "%s not written: the run did not walk the whole %s listing\n", escapeText(path), r)
	}
	return rep, nil
}

// runAndWrite runs c, writes its users with the writer to path (or stdout;
// see openOutput), prints the report to stderr and delivers the users when
// asked. Only a run that walked the whole listing (Report.Walked) replaces
// a regular output file: a failed or cancelled run leaves no half-written
// file behind. Stdout, devices and FIFOs are streamed to as users arrive.
func runAndWrite(ctx context.Context, e env, c *connector.Connector, newWriter func(io.Writer) userWriter, path string, d *deliverFlags) error {
	out, err := openOutput(e, path)
	if err != nil {
		return err
	}
	defer out.abort()
	w := newWriter(out)
	var collected []saasconnect.User
	report, runErr := c.Run(ctx, func(u saasconnect.User) error {
		if d.enabled() {
			collected = append(collected, u)
		}
		return w.Write(u)
	})
	if err := w.Close(); err != nil && runErr == nil {
		return err
	}
	printReport(e.stderr, report)
	if report.Walked {
		if err := out.commit(); err != nil {
			return err
		}
	} else if !out.streamed() {
		fmt.Fprintf(e.stderr, "%s not written: the run did not walk the whole listing\n", escapeText(path))
	}
	if runErr != nil {
		return errReported
	}
	if d.enabled() {
		return deliver(ctx, e, c.Name(), d, collected, report)
	}
	return nil
}

func instanceName(t connector.Template, s source) string {
	if t.Slug != "" {
		return t.Slug
	}
	if s.template != "" {
		return strings.TrimSuffix(filepath.Base(s.template), filepath.Ext(s.template))
	}
	return "connector"
}

func logOption(e env, verbose bool) connector.Option {
	if !verbose {
		return connector.WithLogger(slog.New(slog.DiscardHandler))
	}
	return connector.WithLogger(slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})))
}

// progressPrinter reports progress on w at most once a second, plus a line
// whenever the run had to wait for a rate limit.
func progressPrinter(w io.Writer) func(connector.Progress) {
	var (
		mu    sync.Mutex
		last  time.Time
		waits int
	)
	return func(p connector.Progress) {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if now.Sub(last) < time.Second && p.RateLimitWaits == waits {
			return
		}
		last, waits = now, p.RateLimitWaits
		if p.Resource != "" && p.Resource != connector.ResourceUsers {
			fmt.Fprintf(w, "%s %s: %d pages, %d records, %d requests, %d retries, %d rate-limit waits (%s)\n",
				p.Connector, p.Resource, p.Pages, p.Records, p.Requests, p.Retries, p.RateLimitWaits, p.RateLimitWait.Round(time.Millisecond))
			return
		}
		fmt.Fprintf(w, "%s: %d pages, %d users, %d requests, %d retries, %d rate-limit waits (%s)\n",
			p.Connector, p.Pages, p.Users, p.Requests, p.Retries, p.RateLimitWaits, p.RateLimitWait.Round(time.Millisecond))
	}
}

// printReport writes the run report in a human-readable block. Error texts
// are escaped (escapeText): they may quote vendor data.
func printReport(w io.Writer, r connector.Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	if r.Resource == "" || r.Resource == connector.ResourceUsers {
		fmt.Fprintf(tw, "run\t%s: %s\n", escapeText(r.Connector), r.Status)
	} else {
		fmt.Fprintf(tw, "run\t%s %s: %s\n", escapeText(r.Connector), r.Resource, r.Status)
	}
	fmt.Fprintf(tw, "time\t%s (%s)\n", r.Started.Format(time.RFC3339), r.Finished.Sub(r.Started).Round(time.Millisecond))
	fmt.Fprintf(tw, "requests\t%d (%d retries), %d pages\n", r.Requests, r.Retries, r.Pages)
	fmt.Fprintf(tw, "records\t%d seen, %d kept, %d filtered, %d unmappable\n", r.Seen, r.Kept, r.Filtered, len(r.RecordErrors))
	if r.Resource == "" || r.Resource == connector.ResourceUsers {
		a := r.Activity
		fmt.Fprintf(tw, "activity\t%d active, %d inactive, %d never, %d unknown\n", a.Active, a.Inactive, a.Never, a.Unknown)
		if !a.Oldest.IsZero() {
			fmt.Fprintf(tw, "last activity\t%s .. %s\n", a.Oldest.Format(time.RFC3339), a.Newest.Format(time.RFC3339))
		}
	}
	const maxShown = 10
	for i, re := range r.RecordErrors {
		if i == maxShown {
			fmt.Fprintf(tw, "\t… and %d more record errors\n", len(r.RecordErrors)-maxShown)
			break
		}
		fmt.Fprintf(tw, "record error\t%s\n", escapeText(re.Error()))
	}
	if r.Err != "" {
		fmt.Fprintf(tw, "error\t%s\n", escapeText(r.Err))
	}
	tw.Flush()
}

// output is where users go: stdout, a device or FIFO written directly, or a
// temporary file renamed over a regular file on commit.
type output struct {
	io.Writer
	file   *os.File // the temporary file, or the streamed device or FIFO
	target string   // the file the temporary file replaces; "" when streaming
	keep   fs.FileInfo
	done   bool
}

// openOutput opens where a run writes its users (see checkOutput for the
// rules): "" or "-" is stdout, a device or FIFO is opened for writing and
// streamed to, and a regular file (or a new path) gets a temporary file
// beside it that commit renames over it, so a failed run leaves it as it was.
// A symbolic link is resolved: the file it points to is written, the link
// stays. It fails, before any request is sent, for a directory or a link to
// nothing.
func openOutput(e env, path string) (*output, error) {
	if path == "" || path == "-" {
		return &output{Writer: e.stdout}, nil
	}
	target, fi, err := outputTarget(path)
	if err != nil {
		return nil, err
	}
	if fi != nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &output{Writer: f, file: f}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &output{Writer: f, file: f, target: target, keep: fi}, nil
}

// checkOutput reports whether path can be an output: "-", a new path, a
// regular file, a device or a FIFO, directly or through symbolic links. A
// directory, a socket or a link to nothing is an error.
func checkOutput(path string) error {
	if path == "" || path == "-" {
		return nil
	}
	_, _, err := outputTarget(path)
	return err
}

// outputTarget resolves path: the regular file to replace (symbolic links
// resolved) and its FileInfo, or the FileInfo of the device or FIFO it names.
// A path that does not exist yet returns a nil FileInfo.
func outputTarget(path string) (string, fs.FileInfo, error) {
	lfi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	fi := lfi
	if lfi.Mode()&fs.ModeSymlink != 0 {
		if fi, err = os.Stat(path); err != nil {
			return "", nil, fmt.Errorf("output %s is a symbolic link to nothing (%w): give the target's path", path, err)
		}
	}
	switch m := fi.Mode(); {
	case m.IsDir():
		return "", nil, fmt.Errorf("output %s is a directory: give a file path", path)
	case m&fs.ModeSocket != 0:
		return "", nil, fmt.Errorf("output %s is a socket", path)
	case !m.IsRegular():
		return path, fi, nil // a device or FIFO: streamed
	}
	if lfi.Mode()&fs.ModeSymlink != 0 {
		if path, err = filepath.EvalSymlinks(path); err != nil {
			return "", nil, fmt.Errorf("output: %w", err)
		}
	}
	return path, fi, nil
}

// streamed reports whether users go straight to their destination (stdout,
// a device or FIFO), so a failed run cannot take back what was written.
func (o *output) streamed() bool { return o.target == "" }

// commit makes the output visible. A temporary file gets the replaced file's
// permissions (and owner, where the process may set it; new files stay
// 0600), is synced and renamed over the target.
func (o *output) commit() error {
	if o.file == nil {
		return nil
	}
	o.done = true
	if o.streamed() {
		return o.file.Close()
	}
	fail := func(err error) error {
		o.file.Close()
		os.Remove(o.file.Name())
		return err
	}
	if o.keep != nil {
		if err := o.file.Chmod(o.keep.Mode().Perm()); err != nil {
			return fail(err)
		}
		keepOwner(o.file, o.keep)
	}
	if err := o.file.Sync(); err != nil {
		return fail(err)
	}
	if err := o.file.Close(); err != nil {
		os.Remove(o.file.Name())
		return err
	}
	if err := os.Rename(o.file.Name(), o.target); err != nil {
		os.Remove(o.file.Name())
		return err
	}
	return nil
}

// abort removes the temporary file unless commit ran; a streamed file is
// closed.
func (o *output) abort() {
	if o.file == nil || o.done {
		return
	}
	o.file.Close()
	if !o.streamed() {
		os.Remove(o.file.Name())
	}
}

// decodeJSON decodes data with numbers kept exact.
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("unexpected data after the JSON value at byte %d", dec.InputOffset())
	}
	return nil
}
