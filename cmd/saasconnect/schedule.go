package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/internal/safefile"
	"github.com/saasconnect/saasconnect/vendors"
)

// instanceConfig is one *.connector.json file of a schedule directory: a
// template (prebuilt or a file), its settings, when to run and where to write.
//
//	{
//	  "name": "okta-prod",
//	  "vendor": "okta",
//	  "settings": {"base_url": "https://acme.okta.com"},
//	  "schedule": {"enabled": true, "daily": "23:00", "location": "Europe/Berlin"},
//	  "output": "okta-prod.jsonl",
//	  "format": "jsonl"
//	}
//
// Secret settings come from SAASCONNECT_<NAME>_<SETTING> or
// SAASCONNECT_<SETTING> environment variables. A missing schedule is the
// default one (daily at 23:00 local time). Relative paths are relative to
// the directory.
type instanceConfig struct {
	Name     string              `json:"name"`
	Vendor   string              `json:"vendor,omitempty"`
	Template string              `json:"template,omitempty"`
	Settings map[string]string   `json:"settings,omitempty"`
	Schedule *connector.Schedule `json:"schedule,omitempty"`
	Output   string              `json:"output,omitempty"`
	Format   string              `json:"format,omitempty"`
	// CSVRaw writes csv cells verbatim, formulas included (see csvWriter).
	CSVRaw bool `json:"csv_raw,omitempty"`
}

// loadInstances reads every *.connector.json file in dir. Only regular files
// are read (a symbolic link, FIFO or device with that name is an error), each
// at most safefile.MaxSize bytes. Problems name the file and are all reported
// at once; they never quote the file's content beyond a short, escaped
// excerpt.
func loadInstances(ctx context.Context, dir string, getenv func(string) string) ([]connector.Job, []instanceConfig, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.connector.json"))
	if err != nil {
		return nil, nil, err
	}
	if len(paths) == 0 {
		return nil, nil, fmt.Errorf("%s: no *.connector.json files", dir)
	}
	sort.Strings(paths)
	var (
		jobs []connector.Job
		cfgs []instanceConfig
		errs []error
	)
	for _, p := range paths {
		cfg, job, err := loadInstance(ctx, dir, p, getenv)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		jobs = append(jobs, job)
		cfgs = append(cfgs, cfg)
	}
	return jobs, cfgs, errors.Join(errs...)
}

func loadInstance(ctx context.Context, dir, path string, getenv func(string) string) (instanceConfig, connector.Job, error) {
	var cfg instanceConfig
	data, err := safefile.ReadNoFollow(ctx, path)
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		err = pe.Err // the caller names the path
	}
	if err != nil {
		return cfg, connector.Job{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, connector.Job{}, jsonError(data, dec, err)
	}
	if dec.More() {
		return cfg, connector.Job{}, fmt.Errorf("unexpected data after the JSON value at byte offset %d", dec.InputOffset())
	}
	if cfg.Name == "" {
		cfg.Name = strings.TrimSuffix(filepath.Base(path), ".connector.json")
	}
	output := ""
	if cfg.Output != "" {
		output = resolve(dir, cfg.Output)
		if err := checkOutput(output); err != nil {
			return cfg, connector.Job{}, fmt.Errorf(`"output": %w`, err)
		}
	}
	var t connector.Template
	switch {
	case (cfg.Vendor == "") == (cfg.Template == ""):
		return cfg, connector.Job{}, errors.New(`give exactly one of "vendor" and "template"`)
	case cfg.Vendor != "":
		if t, err = vendors.Get(cfg.Vendor); errors.Is(err, vendors.ErrUnknownVendor) {
			err = fmt.Errorf(`"vendor": %w %s (see 'saasconnect vendors')`, vendors.ErrUnknownVendor, excerpt(cfg.Vendor))
		}
	default:
		t, err = loadTemplateFile(ctx, resolve(dir, cfg.Template))
	}
	if err != nil {
		return cfg, connector.Job{}, err
	}
	settings := connector.Settings{}
	for _, st := range t.Settings() {
		if v := getenv("SAASCONNECT_" + envKey(cfg.Name) + "_" + envKey(st.Name)); v != "" {
			settings[st.Name] = v
		} else if v := getenv(envName(st.Name)); v != "" {
			settings[st.Name] = v
		}
	}
	for k, v := range cfg.Settings {
		settings[k] = v
	}
	format := cfg.Format
	if format == "" {
		format = "jsonl"
	}
	newWriter, ok := formats[format]
	if !ok {
		return cfg, connector.Job{}, fmt.Errorf("format: unknown %s (want jsonl, csv or table)", excerpt(strconv.Quote(format)))
	}
	if cfg.CSVRaw && format == "csv" {
		newWriter = newRawCSVWriter
	}
	c, err := connector.New(t, cfg.Name, settings)
	if err != nil {
		return cfg, connector.Job{}, err
	}
	sched := connector.DefaultSchedule()
	if cfg.Schedule != nil {
		sched = *cfg.Schedule
	}
	job := connector.Job{
		Name:     cfg.Name,
		Schedule: sched,
		Run: func(ctx context.Context) (connector.Report, error) {
			return runToFile(ctx, c, newWriter, output)
		},
	}
	return cfg, job, nil
}

// runToFile runs c and writes its users to path (see openOutput; nothing
// when path is empty). A regular file is replaced only when the run walked
// the whole listing (Report.Walked), so a failed run keeps the previous one.
func runToFile(ctx context.Context, c *connector.Connector, newWriter func(io.Writer) userWriter, path string) (connector.Report, error) {
	out, err := openOutput(env{stdout: io.Discard}, path)
	if err != nil {
		return connector.Report{Connector: c.Name(), Status: connector.Failed, Err: err.Error()}, err
	}
	defer out.abort()
	w := newWriter(out)
	report, runErr := c.Run(ctx, w.Write)
	if err := w.Close(); err != nil && runErr == nil {
		runErr = err
	}
	if report.Walked {
		if err := out.commit(); err != nil && runErr == nil {
			runErr = err
		}
	}
	return report, runErr
}

func envKey(s string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(s))
}

func resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// cmdSchedule runs the connectors of a directory on their schedules until
// interrupted, printing each run's report.
func cmdSchedule(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "schedule")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want exactly one DIR")
	}
	dir := fs.Arg(0)
	jobs, cfgs, err := loadInstances(ctx, dir, e.getenv)
	if err != nil {
		return err
	}
	s := &connector.Scheduler{
		Logger: discardLogger(),
		OnReport: func(job string, r connector.Report, err error) {
			printReport(e.stderr, r)
		},
	}
	for i, j := range jobs {
		if err := s.Add(j); err != nil {
			return err
		}
		next := j.Schedule.Next(timeNow())
		when := "never (disabled)"
		if !next.IsZero() {
			when = next.Format("2006-01-02 15:04 MST")
		}
		fmt.Fprintf(e.stderr, "%s: next run %s\n", escapeText(cfgs[i].Name), when)
	}
	err = s.Run(ctx)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "stopped")
		return nil
	}
	return err
}

// jsonError locates a decoding error of a configuration file by line and
// byte offset. The decoder's message is cut to a short, escaped excerpt: it
// may quote the file (an unknown field's name), and the file may be anything.
func jsonError(data []byte, dec *json.Decoder, err error) error {
	off := dec.InputOffset()
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		off = se.Offset
	}
	line := 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
	return fmt.Errorf("line %d (byte offset %d): %s", line, off, excerpt(err.Error()))
}

// maxExcerpt is the most runes of untrusted text an error message quotes.
const maxExcerpt = 60

// excerpt returns s for an error message: control and formatting characters
// escaped (see escapeText) and cut to maxExcerpt runes with "…".
func excerpt(s string) string {
	r := []rune(s)
	cut := len(r) > maxExcerpt
	if cut {
		r = r[:maxExcerpt]
	}
	out := escapeText(string(r))
	if cut {
		out += "…"
	}
	return out
}
