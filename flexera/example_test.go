package flexera_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/flexera"
)

// Deliver a roster, then deliver the next day's roster incrementally: only
// the changes travel, and the user who left gets deactivatedAt.
func ExampleClient_Deliver() {
	fake := newFake() // an in-process Flexera One
	srv := httptest.NewServer(fake)
	defer srv.Close()

	// In production: cfg, err := flexera.ConfigFromEnv()
	cfg := flexera.Config{APIURL: srv.URL, LoginURL: srv.URL, RefreshToken: "rt-secret-value", PollInterval: time.Millisecond}
	dir, _ := os.MkdirTemp("", "flexera-example")
	defer os.RemoveAll(dir)
	req := flexera.DeliverRequest{
		Org:       "123",
		App:       "4af2",
		Load:      flexera.LoadIncremental,
		StatePath: filepath.Join(dir, "figma.json"), // or flexera.DefaultStatePath("figma")
	}

	for _, run := range []struct {
		day   time.Time
		users []saasconnect.User
	}{
		{time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), []saasconnect.User{
			{Email: "ada@example.com", Name: "Ada Lovelace"},
			{Email: "alan@example.com", Name: "Alan Turing"},
		}},
		{time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), []saasconnect.User{
			{Email: "ada@example.com", Name: "Ada Lovelace"},
			{Email: "grace@example.com", Name: "Grace Hopper"},
		}},
	} {
		now := run.day
		c, err := flexera.New(cfg, flexera.WithClock(func() time.Time { return now }))
		if err != nil {
			fmt.Println(err)
			return
		}
		rep, err := c.Deliver(context.Background(), req, flexera.UsersFrom(run.users))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: created %d, updated %d, removed %d, unchanged %d; sent %d records in %d file(s), job %s\n",
			now.Format(time.DateOnly), rep.Created, rep.Updated, rep.Removed, rep.Unchanged, rep.Sent, len(rep.Files), rep.Jobs[0].Status)
	}
	last := fake.data[fake.dataOrder[len(fake.dataOrder)-1]]
	for _, r := range last.records {
		fmt.Println(r["uniqueId"], r["activatedAt"], r["deactivatedAt"])
	}
	// Output:
	// 2026-03-01: created 2, updated 0, removed 0, unchanged 0; sent 2 records in 1 file(s), job completed
	// 2026-03-02: created 1, updated 0, removed 1, unchanged 1; sent 2 records in 1 file(s), job completed
	// alan@example.com 2026-03-01T09:00:00.000Z 2026-03-02T09:00:00.000Z
	// grace@example.com 2026-03-02T09:00:00.000Z <nil>
}

// A dry run writes what would be sent and sends nothing; it needs no
// credentials.
func ExampleClient_Deliver_dryRun() {
	c, err := flexera.New(flexera.Config{}, flexera.WithClock(func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }))
	if err != nil {
		fmt.Println(err)
		return
	}
	users := []saasconnect.User{
		{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", LastActivity: time.Date(2026, 2, 27, 16, 30, 0, 0, time.UTC)},
	}
	_, err = c.Deliver(context.Background(), flexera.DeliverRequest{Org: "123", App: "4af2", RunID: "demo", DryRun: os.Stdout}, flexera.UsersFrom(users))
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// # flexera dry run: org 123, managed app 4af2, full load, create_and_update, sync key email
	// # 1 users read: 1 created, 0 updated, 0 removed, 0 unchanged, 0 skipped, 0 duplicates, 0 deprovisioned; nothing is sent
	// # file 1: saasconnect-roster-4af2-20260301T090000Z-demo-001.jsonl.gz (1 records): POST /saas/v1/orgs/123/saas-data {"fileName":"saasconnect-roster-4af2-20260301T090000Z-demo-001.jsonl.gz"}, then PATCH its id with this content, gzip-compressed
	// {"uniqueId":"ada@example.com","email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","activatedAt":"2026-03-01T09:00:00.000Z","lastActivityAt":"2026-02-27T16:30:00.000Z"}
	// # POST /saas/v1/orgs/123/import-jobs
	// {"managedAppId":"4af2","importSettings":{"taskName":"ApplicationRoster","loadType":"full"},"saasDataList":[{"name":"<SaaSData id of saasconnect-roster-4af2-20260301T090000Z-demo-001.jsonl.gz>"}]}
}

// Find the managed app id to deliver to (Flexera has no API to create one).
func ExampleClient_FindManagedAppByName() {
	fake := newFake()
	fake.apps = []flexera.ManagedApp{{ID: "4af2", Name: "Figma"}, {ID: "77c1", Name: "Slack"}}
	srv := httptest.NewServer(fake)
	defer srv.Close()

	c, err := flexera.New(flexera.Config{APIURL: srv.URL, LoginURL: srv.URL, ClientID: "client-1", ClientSecret: "cs-secret-value"})
	if err != nil {
		fmt.Println(err)
		return
	}
	app, err := c.FindManagedAppByName(context.Background(), "123", "slack")
	fmt.Println(app.ID, app.Name, err)
	// Output: 77c1 Slack <nil>
}

// Roster records use Flexera's field names; secrets never print.
func ExampleNewRosterRecord() {
	u := saasconnect.User{Email: "Grace@Example.com", Name: "Grace Brewster Hopper"}
	r, _ := flexera.NewRosterRecord(u, flexera.SyncKeyEmail, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
	fmt.Println(flexera.Config{RefreshToken: "rt-123"}.RefreshToken)
	// Output:
	// {"uniqueId":"grace@example.com","email":"Grace@Example.com","firstName":"Grace","lastName":"Brewster Hopper","activatedAt":"2026-03-01T09:00:00.000Z"}
	// [REDACTED]
}

// A dry run of an ApplicationDiscovery delivery prints the records and the
// import job it would send.
func ExampleClient_DeliverApplications_dryRun() {
	c, err := flexera.New(flexera.Config{}, flexera.WithClock(func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }))
	if err != nil {
		fmt.Println(err)
		return
	}
	apps := []saasconnect.Application{{ID: "0oa1", Name: "slack", Label: "Slack"}}
	_, err = c.DeliverApplications(context.Background(), flexera.DeliverRequest{Org: "123", App: "4af2", RunID: "demo", DryRun: os.Stdout}, flexera.ApplicationsFrom(apps))
	fmt.Println(err)
	// Output:
	// # flexera dry run: org 123, managed app 4af2, ApplicationDiscovery full load (SSO applications)
	// # 1 applications read: 1 to send, 0 skipped (no id or name), 0 duplicates; nothing is sent
	// # file 1: saasconnect-sso-apps-4af2-20260301T090000Z-demo-001.jsonl.gz (1 records): POST /saas/v1/orgs/123/saas-data {"fileName":"saasconnect-sso-apps-4af2-20260301T090000Z-demo-001.jsonl.gz"}, then PATCH its id with this content, gzip-compressed
	// {"ssoAppName":"slack","ssoAppDisplayName":"Slack","ssoAppId":"0oa1","appInstanceId":"0oa1"}
	// # POST /saas/v1/orgs/123/import-jobs
	// {"managedAppId":"4af2","importSettings":{"taskName":"ApplicationDiscovery","loadType":"full"},"saasDataList":[{"name":"<SaaSData id of saasconnect-sso-apps-4af2-20260301T090000Z-demo-001.jsonl.gz>"}]}
	// <nil>
}
