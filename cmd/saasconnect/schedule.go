package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/saasconnect/saasconnect/connector"
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
}

// loadInstances reads every *.connector.json file in dir. Problems name the
// file and are all reported at once.
func loadInstances(dir string, getenv func(string) string) ([]connector.Job, []instanceConfig, error) {
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
		cfg, job, err := loadInstance(dir, p, getenv)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		jobs = append(jobs, job)
		cfgs = append(cfgs, cfg)
	}
	return jobs, cfgs, errors.Join(errs...)
}

func loadInstance(dir, path string, getenv func(string) string) (instanceConfig, connector.Job, error) {
	var cfg instanceConfig
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, connector.Job{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, connector.Job{}, err
	}
	if cfg.Name == "" {
		cfg.Name = strings.TrimSuffix(filepath.Base(path), ".connector.json")
	}
	var t connector.Template
	switch {
	case (cfg.Vendor == "") == (cfg.Template == ""):
		return cfg, connector.Job{}, errors.New(`give exactly one of "vendor" and "template"`)
	case cfg.Vendor != "":
		t, err = vendors.Get(cfg.Vendor)
	default:
		t, err = loadTemplateFile(resolve(dir, cfg.Template))
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
		return cfg, connector.Job{}, fmt.Errorf("format: unknown %q (want jsonl, csv or table)", format)
	}
	c, err := connector.New(t, cfg.Name, settings)
	if err != nil {
		return cfg, connector.Job{}, err
	}
	sched := connector.DefaultSchedule()
	if cfg.Schedule != nil {
		sched = *cfg.Schedule
	}
	output := ""
	if cfg.Output != "" {
		output = resolve(dir, cfg.Output)
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

// runToFile runs c and writes its users to path atomically (or discards them
// when path is empty), keeping the previous file when the run fails.
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
	if report.Status == connector.Succeeded || (report.Status == connector.Partial && report.Err == "") {
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
	jobs, cfgs, err := loadInstances(dir, e.getenv)
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
		fmt.Fprintf(e.stderr, "%s: next run %s\n", cfgs[i].Name, when)
	}
	err = s.Run(ctx)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "stopped")
		return nil
	}
	return err
}
