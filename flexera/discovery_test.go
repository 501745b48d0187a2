package flexera_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/flexera"
)

func ssoApps() []saasconnect.Application {
	return []saasconnect.Application{
		{ID: "0oa2", Name: "slack", Label: "Slack", Created: time.Date(2025, 5, 1, 12, 0, 0, 0, time.FixedZone("x", 3600))},
		{ID: "0oa1", Name: "zoom"},               // no label: display name is the name
		{ID: "0oa3", Label: "Figma"},             // no name: the label
		{Name: "orphan", Label: "No Id"},         // skipped
		{ID: "0oa1", Name: "zoom", Label: "Dup"}, // duplicate
	}
}

func TestDeliverApplications(t *testing.T) {
	f := newFake()
	c := newDeliverClient(t, f, day0)
	rep, err := c.DeliverApplications(t.Context(), flexera.DeliverRequest{Org: "7", App: "beef", RunID: "a1"}, flexera.ApplicationsFrom(ssoApps()))
	if err != nil {
		t.Fatal(err)
	}
	f.check(t)
	want := []map[string]any{
		{"ssoAppName": "zoom", "ssoAppDisplayName": "zoom", "ssoAppId": "0oa1", "appInstanceId": "0oa1"},
		{"ssoAppName": "slack", "ssoAppDisplayName": "Slack", "ssoAppId": "0oa2", "appInstanceId": "0oa2", "ssoAppAdditional": map[string]any{"createdAt": "2025-05-01T11:00:00.000Z"}},
		{"ssoAppName": "Figma", "ssoAppDisplayName": "Figma", "ssoAppId": "0oa3", "appInstanceId": "0oa3"},
	}
	if got := f.sent(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("records sent:\n%v\nwant\n%v", got, want)
	}
	if len(f.jobOrder) != 1 {
		t.Fatalf("%d import jobs, want 1", len(f.jobOrder))
	}
	job := f.jobs[f.jobOrder[0]].req
	if job.ManagedAppID != "beef" || job.ImportSettings != (flexera.ImportSettings{TaskName: "ApplicationDiscovery", LoadType: "full"}) {
		t.Errorf("import job %+v", job)
	}
	if name := f.data[f.dataOrder[0]].fileName; name != "saasconnect-sso-apps-beef-20260301T090000Z-a1-001.jsonl.gz" {
		t.Errorf("file name %q", name)
	}
	if rep.Task != flexera.TaskApplicationDiscovery || rep.Load != flexera.LoadFull || rep.Users != 5 || rep.Skipped != 1 || rep.Duplicates != 1 ||
		rep.Sent != 3 || len(rep.Files) != 1 || len(rep.Jobs) != 1 || rep.Jobs[0].Status != flexera.JobCompleted || rep.StateWritten {
		t.Errorf("report %+v", rep)
	}
}

func TestDeliverApplicationsDryRun(t *testing.T) {
	f := newFake()
	c := newDeliverClient(t, f, day0)
	var plan bytes.Buffer
	rep, err := c.DeliverApplications(t.Context(), flexera.DeliverRequest{Org: "7", App: "beef", RunID: "a1", DryRun: &plan}, flexera.ApplicationsFrom(ssoApps()))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests); n != 0 {
		t.Errorf("dry run sent %d requests", n)
	}
	for _, want := range []string{
		"# flexera dry run: org 7, managed app beef, ApplicationDiscovery full load (SSO applications)\n",
		"# 5 applications read: 3 to send, 1 skipped (no id or name), 1 duplicates; nothing is sent\n",
		`{"ssoAppName":"zoom","ssoAppDisplayName":"zoom","ssoAppId":"0oa1","appInstanceId":"0oa1"}` + "\n",
		`"importSettings":{"taskName":"ApplicationDiscovery","loadType":"full"}`,
	} {
		if !strings.Contains(plan.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, plan.String())
		}
	}
	if !rep.DryRun || rep.Sent != 3 {
		t.Errorf("report %+v", rep)
	}
}

func TestDeliverApplicationsRefusals(t *testing.T) {
	tests := []struct {
		name    string
		req     flexera.DeliverRequest
		apps    []saasconnect.Application
		wantErr error
		want    string
	}{
		{"incremental", flexera.DeliverRequest{Org: "7", App: "beef", Load: flexera.LoadIncremental}, ssoApps(), nil, "full only"},
		{"state file", flexera.DeliverRequest{Org: "7", App: "beef", StatePath: "x.json"}, ssoApps(), nil, "no sync mode, sync key or state file"},
		{"bad app", flexera.DeliverRequest{Org: "7", App: "Nope"}, ssoApps(), nil, "lowercase hex"},
		{"nothing deliverable", flexera.DeliverRequest{Org: "7", App: "beef"}, []saasconnect.Application{{Name: "no id"}}, flexera.ErrEmptyFullLoad, "1 applications read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			c := newDeliverClient(t, f, day0)
			_, err := c.DeliverApplications(t.Context(), tt.req, flexera.ApplicationsFrom(tt.apps))
			if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("err %v, want %q (%v)", err, tt.want, tt.wantErr)
			}
			if n := len(f.requests); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}
