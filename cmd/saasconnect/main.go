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
//	                [--format jsonl|csv|table] [--output FILE]
//	                [--deliver flexera --org ID --app ID [--region com|eu|au]
//	                 [--load full|incremental] [--state FILE] [--dry-run]]
//	saasconnect suggest --sample FILE
//	saasconnect schedule DIR
//	saasconnect demo
//
// Settings not given with --setting are read from SAASCONNECT_<SETTING>
// environment variables (SAASCONNECT_API_KEY for api_key), which is the
// place for secrets. Users go to stdout (or --output FILE, written
// atomically); progress and the run report go to stderr. The exit status is
// 0 only for a succeeded run, 1 for a run that did not succeed or a template
// with problems, and 2 for a usage error.
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
