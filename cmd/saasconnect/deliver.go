package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/flexera"
)

// deliverFlags are run's delivery flags.
type deliverFlags struct {
	target, org, app, region, load, mode, key, state string
	dryRun                                           bool
	lockTimeout                                      time.Duration
}

func (d *deliverFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.target, "deliver", "", "deliver the users (an ApplicationRoster import) and the applications (ApplicationDiscovery, full only) to `TARGET` (flexera)")
	fs.StringVar(&d.org, "org", "", "Flexera One org `ID`")
	fs.StringVar(&d.app, "app", "", "Flexera One managed app `ID`")
	fs.StringVar(&d.region, "region", "com", "Flexera One `region`: com, eu or au")
	fs.StringVar(&d.load, "load", "full", "import `type`: full or incremental")
	fs.StringVar(&d.mode, "sync-mode", "", "incremental sync `mode`: create_and_update, create_only or update_only")
	fs.StringVar(&d.key, "sync-key", "", "the user field that identifies a user across runs: email (default) or id")
	fs.StringVar(&d.state, "state", "", "previous run's snapshot `FILE` (default: one per connector under the user's config directory)")
	fs.BoolVar(&d.dryRun, "dry-run", false, "write the payload that would be sent to stderr; send nothing")
	fs.DurationVar(&d.lockTimeout, "state-lock-timeout", flexera.DefaultStateLockTimeout, "how long to wait for another run that holds the --state file's lock")
}

func (d *deliverFlags) enabled() bool { return d.target != "" }

// check validates the delivery flags before anything runs.
func (d *deliverFlags) check() error {
	if !d.enabled() {
		return nil
	}
	if d.target != "flexera" {
		return usagef("unknown --deliver target %q (want flexera)", d.target)
	}
	if d.org == "" || d.app == "" {
		return usagef("--deliver flexera needs --org and --app")
	}
	if _, err := flexera.ParseRegion(d.region); err != nil {
		return usageError{err.Error()}
	}
	if _, err := flexera.ParseLoadType(d.load); err != nil {
		return usageError{err.Error()}
	}
	if d.mode != "" {
		if _, err := flexera.ParseSyncMode(d.mode); err != nil {
			return usageError{err.Error()}
		}
	}
	if d.key != "" {
		if _, err := flexera.ParseSyncKey(d.key); err != nil {
			return usageError{err.Error()}
		}
	}
	if d.lockTimeout < 0 {
		return usagef("--state-lock-timeout must not be negative")
	}
	return nil
}

// deliver sends the users of a run to Flexera One and prints what it did,
// holding the state file's lock (flexera.LockState) for the whole cycle
// unless it is a dry run, which writes no state.
// Only the users of a run that walked the whole listing are delivered: a
// partial roster would deactivate the users it missed.
func deliver(ctx context.Context, e env, name string, d *deliverFlags, users []saasconnect.User, report connector.Report) error {
	if report.Status != connector.Succeeded {
		return fmt.Errorf("deliver: not delivering the users of a %s run", report.Status)
	}
	region, _ := flexera.ParseRegion(d.region)
	load, _ := flexera.ParseLoadType(d.load)
	req := flexera.DeliverRequest{Org: d.org, App: d.app, Load: load, StatePath: d.state}
	if d.mode != "" {
		req.SyncMode, _ = flexera.ParseSyncMode(d.mode)
	}
	if d.key != "" {
		req.SyncKey, _ = flexera.ParseSyncKey(d.key)
	}
	if req.StatePath == "" {
		p, err := flexera.DefaultStatePath(name)
		if err != nil {
			return fmt.Errorf("deliver: %w (give --state FILE)", err)
		}
		req.StatePath = p
	}
	cfg, err := flexeraConfig(e, region, d.dryRun)
	if err != nil {
		return err
	}
	if d.dryRun {
		req.DryRun = e.stderr
	}
	client, err := flexera.New(cfg, flexera.WithLogger(discardLogger()))
	if err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	if !d.dryRun {
		// The state is read, the changes uploaded and the state written
		// under one lock: an overlapping run would otherwise read the old
		// state too, and the last writer would drop what the other sent.
		unlock, err := flexera.LockState(ctx, req.StatePath, d.lockTimeout)
		if err != nil {
			return fmt.Errorf("deliver: %w", err)
		}
		defer unlock()
	}
	rep, err := client.Deliver(ctx, req, flexera.UsersFrom(users))
	printDelivery(e, rep)
	if err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	return nil
}

// deliverApplications sends the SSO applications of a run to Flexera One as
// an ApplicationDiscovery import, which is always a full load and keeps no
// state, and prints what it did. Only the applications of a run that walked
// the whole listing are delivered: a full load drops what it misses.
func deliverApplications(ctx context.Context, e env, d *deliverFlags, apps []saasconnect.Application, report connector.Report) error {
	if report.Status != connector.Succeeded {
		return fmt.Errorf("deliver: not delivering the applications of a %s run", report.Status)
	}
	region, _ := flexera.ParseRegion(d.region)
	if load, _ := flexera.ParseLoadType(d.load); load != flexera.LoadFull {
		fmt.Fprintf(e.stderr, "deliver: applications go out as a full ApplicationDiscovery load (--load %s applies to the users)\n", load)
	}
	req := flexera.DeliverRequest{Org: d.org, App: d.app, Load: flexera.LoadFull}
	cfg, err := flexeraConfig(e, region, d.dryRun)
	if err != nil {
		return err
	}
	if d.dryRun {
		req.DryRun = e.stderr
	}
	client, err := flexera.New(cfg, flexera.WithLogger(discardLogger()))
	if err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	rep, err := client.DeliverApplications(ctx, req, flexera.ApplicationsFrom(apps))
	printDelivery(e, rep)
	if err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	return nil
}

// flexeraConfig reads the Flexera credentials and URLs from the environment.
// A dry run needs no credentials.
func flexeraConfig(e env, region flexera.Region, dryRun bool) (flexera.Config, error) {
	cfg := flexera.Config{
		Region:       region,
		APIURL:       e.getenv(flexera.EnvAPIURL),
		LoginURL:     e.getenv(flexera.EnvLoginURL),
		RefreshToken: flexera.Secret(e.getenv(flexera.EnvRefreshToken)),
		ClientID:     e.getenv(flexera.EnvClientID),
		ClientSecret: flexera.Secret(e.getenv(flexera.EnvClientSecret)),
	}
	if !dryRun && cfg.RefreshToken == "" && (cfg.ClientID == "" || cfg.ClientSecret == "") {
		return cfg, fmt.Errorf("deliver: set %s, or %s and %s", flexera.EnvRefreshToken, flexera.EnvClientID, flexera.EnvClientSecret)
	}
	return cfg, nil
}

func printDelivery(e env, r flexera.DeliveryReport) {
	tw := tabwriter.NewWriter(e.stderr, 0, 4, 1, ' ', 0)
	mode := "delivery"
	if r.DryRun {
		mode = "dry run"
	}
	if r.Task == flexera.TaskApplicationDiscovery {
		fmt.Fprintf(tw, "%s\tflexera org %s app %s, %s %s load\n", mode, escapeText(r.Org), escapeText(r.App), r.Task, r.Load)
		fmt.Fprintf(tw, "applications\t%d read, %d skipped (no id or name), %d duplicates; %d records sent in %d files\n", r.Users, r.Skipped, r.Duplicates, r.Sent, len(r.Files))
	} else {
		fmt.Fprintf(tw, "%s\tflexera org %s app %s, %s load (%s, key %s)\n", mode, escapeText(r.Org), escapeText(r.App), r.Load, r.SyncMode, r.SyncKey)
		fmt.Fprintf(tw, "users\t%d read, %d skipped (no key), %d duplicates\n", r.Users, r.Skipped, r.Duplicates)
		fmt.Fprintf(tw, "changes\t%d created, %d updated, %d removed, %d unchanged; %d records sent in %d files\n",
			r.Created, r.Updated, r.Removed, r.Unchanged, r.Sent, len(r.Files))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(tw, "note\t%s\n", escapeText(n))
	}
	for _, j := range r.Jobs {
		fmt.Fprintf(tw, "import job\t%s: %s\n", escapeText(j.ID), escapeText(string(j.Status)))
	}
	if r.StatePath != "" {
		fmt.Fprintf(tw, "state\t%s (written: %v)\n", escapeText(r.StatePath), r.StateWritten)
	}
	if !r.Finished.IsZero() {
		fmt.Fprintf(tw, "took\t%s\n", r.Finished.Sub(r.Started).Round(time.Millisecond))
	}
	tw.Flush()
}
