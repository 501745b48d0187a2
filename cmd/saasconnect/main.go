// Command saasconnect lists the users of SaaS applications through
// declarative connector templates, and delivers them to Flexera One.
//
// Usage:
//
//	saasconnect vendors
//	saasconnect validate FILE
//	saasconnect settings FILE|SLUG
//	saasconnect test (--template FILE | --vendor SLUG) [--setting k=v ...]
//	saasconnect run (--template FILE | --vendor SLUG) [--setting k=v ...]
//	                [--format jsonl|csv|table] [--csv-raw] [--output FILE]
//	                [--deliver flexera --org ID --app ID [--region com|eu|au]
//	                 [--load full|incremental] [--state FILE]
//	                 [--state-lock-timeout 30s] [--dry-run]]
//	saasconnect suggest --sample FILE
//	saasconnect schedule DIR
//	saasconnect demo
//
// Settings not given with --setting are read from SAASCONNECT_<SETTING>
// environment variables (SAASCONNECT_API_KEY for api_key), which is the
// place for secrets. A supplied setting may refer to other settings
// ("{region}"), never to a secret one. Users go to stdout; progress and the
// run report go to stderr. The exit status is 0 only for a succeeded run, 1
// for a run that did not succeed or a template with problems, and 2 for a
// usage error.
//
// Files read (templates, *.connector.json, --state, --sample, ca_file) must
// be regular files of at most 16 MiB (ca_file: 4 MiB); a device, FIFO or
// directory is an error. SIGINT and SIGTERM cancel reads and runs.
//
// --output FILE: a regular file (or a new path, created 0600) is written to a
// temporary file beside it and renamed over it only when the run walked the
// whole listing, keeping the old file's mode and owner; a symbolic link is
// resolved and the file it points to is replaced, the link stays (a link to
// nothing is an error); "-", a device or a FIFO is written to directly as
// users arrive; a directory is an error before any request is sent.
//
// Vendor text printed to the terminal (--format table, error lines, the run
// report) has control characters escaped (\x1b, \n, \u202e). --format csv
// prefixes a cell starting with = + - @, tab or carriage return with a
// single quote so spreadsheets show it as text instead of running it as a
// formula; --csv-raw writes cells verbatim for programs.
//
// run --deliver flexera holds an exclusive lock (flock on STATE.lock beside
// the state file) from reading the state to writing it; a second delivery
// with the same state waits up to --state-lock-timeout, then fails.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		getenv: os.Getenv,
	})
	stop()
	os.Exit(code)
}
