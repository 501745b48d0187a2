package flexera_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/flexera"
)

var (
	day0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	day1 = day0.Add(24 * time.Hour)
)

func newDeliverClient(t *testing.T, f *fakeFlexera, now time.Time, mod ...func(*flexera.Config)) *flexera.Client {
	t.Helper()
	cfg := f.server(t)
	cfg.PollInterval = time.Millisecond
	for _, m := range mod {
		m(&cfg)
	}
	c, err := flexera.New(cfg, flexera.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func user(email, name string, last time.Time) saasconnect.User {
	return saasconnect.User{ID: "id-" + strings.ToLower(email), Email: email, Name: name, LastActivity: last}
}

func TestDeliverFullLoadProtocol(t *testing.T) {
	f := newFake()
	c := newDeliverClient(t, f, day0)
	state := filepath.Join(t.TempDir(), "state", "figma.json")
	users := []saasconnect.User{
		user("Ada@Example.com", "Ada King Lovelace", day0.Add(-time.Hour)),
		{Email: "grace@example.com", FirstName: "Grace", LastName: "Hopper"},
		user("", "No Email", time.Time{}),                 // skipped: no sync key
		user("ada@example.com", "Duplicate", time.Time{}), // duplicate key
	}
	rep, err := c.Deliver(t.Context(), flexera.DeliverRequest{Org: "123", App: "4af2", StatePath: state, RunID: "t1"}, flexera.UsersFrom(users))
	if err != nil {
		t.Fatal(err)
	}
	f.check(t)

	got := f.sent()
	want := []map[string]any{
		{"uniqueId": "ada@example.com", "email": "Ada@Example.com", "firstName": "Ada", "lastName": "King Lovelace", "activatedAt": "2026-03-01T09:00:00.000Z", "lastActivityAt": "2026-03-01T08:00:00.000Z"},
		{"uniqueId": "grace@example.com", "email": "grace@example.com", "firstName": "Grace", "lastName": "Hopper", "activatedAt": "2026-03-01T09:00:00.000Z"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("records sent:\n%v\nwant\n%v", got, want)
	}
	if len(f.jobOrder) != 1 {
		t.Fatalf("%d import jobs, want 1", len(f.jobOrder))
	}
	job := f.jobs[f.jobOrder[0]].req
	if job.ManagedAppID != "4af2" || job.ImportSettings != (flexera.ImportSettings{TaskName: "ApplicationRoster", LoadType: "full"}) ||
		len(job.SaaSDataList) != 1 || job.SaaSDataList[0].Name != f.dataOrder[0] {
		t.Fatalf("import job body %+v; want app 4af2, ApplicationRoster/full, saasDataList = [Location id %s]", job, f.dataOrder[0])
	}
	if name := f.data[f.dataOrder[0]].fileName; name != "saasconnect-roster-4af2-20260301T090000Z-t1-001.jsonl.gz" {
		t.Errorf("file name %q", name)
	}
	wantRep := flexera.DeliveryReport{Org: "123", App: "4af2", Load: "full", SyncMode: "create_and_update", SyncKey: "email",
		Users: 4, Skipped: 1, Duplicates: 1, Created: 2, Sent: 2, StatePath: state, StateWritten: true}
	if rep.Users != wantRep.Users || rep.Skipped != 1 || rep.Duplicates != 1 || rep.Created != 2 || rep.Sent != 2 || !rep.StateWritten ||
		rep.Load != wantRep.Load || rep.SyncMode != wantRep.SyncMode || rep.SyncKey != wantRep.SyncKey || len(rep.Files) != 1 || len(rep.Jobs) != 1 {
		t.Errorf("report %+v", rep)
	}
	if rep.Jobs[0].Status != flexera.JobCompleted || rep.Files[0].SaaSDataID != f.dataOrder[0] || rep.Files[0].Checksum != f.data[f.dataOrder[0]].checksum {
		t.Errorf("report files %+v jobs %+v", rep.Files, rep.Jobs)
	}
	st, err := flexera.ReadState(state)
	if err != nil || st == nil || len(st.Users) != 2 || st.Org != "123" || st.App != "4af2" || !st.UpdatedAt.Equal(day0) {
		t.Fatalf("state %+v, %v", st, err)
	}
}

// prevState is the snapshot the diff tests start from.
func prevState(t *testing.T, path string) {
	t.Helper()
	st := &flexera.State{Org: "1", App: "ab", SyncKey: "email", UpdatedAt: day0, Users: []flexera.RosterRecord{
		{UniqueID: "alice@x.io", Email: "alice@x.io", FirstName: "Alice", LastName: "A", ActivatedAt: "2026-01-01T00:00:00.000Z"},
		{UniqueID: "bob@x.io", Email: "bob@x.io", FirstName: "Bob", LastName: "B", ActivatedAt: "2026-01-02T00:00:00.000Z"},
		{UniqueID: "carol@x.io", Email: "carol@x.io", FirstName: "Carol", LastName: "C", ActivatedAt: "2026-01-03T00:00:00.000Z", LastActivityAt: "2026-02-01T00:00:00.000Z"},
		{UniqueID: "dave@x.io", Email: "dave@x.io", FirstName: "Dave", LastName: "D", ActivatedAt: "2025-01-01T00:00:00.000Z", DeactivatedAt: "2025-06-01T00:00:00.000Z"},
	}}
	if err := flexera.WriteState(path, st); err != nil {
		t.Fatal(err)
	}
}

// todayUsers: alice unchanged, bob renamed, carol gone, dave back, erin new.
func todayUsers() []saasconnect.User {
	return []saasconnect.User{
		{Email: "alice@x.io", FirstName: "Alice", LastName: "A"},
		{Email: "bob@x.io", FirstName: "Bob", LastName: "Builder"},
		{Email: "dave@x.io", FirstName: "Dave", LastName: "D"},
		{Email: "erin@x.io", FirstName: "Erin", LastName: "E"},
	}
}

func TestDeliverIncrementalDiff(t *testing.T) {
	now := "2026-03-02T09:00:00.000Z"
	tests := []struct {
		name      string
		load      flexera.LoadType
		mode      flexera.SyncMode
		wantSent  map[string]map[string]any // uniqueId -> fields that must match
		wantState map[string]string         // uniqueId -> "lastName/activatedAt/deactivatedAt" after the run
	}{
		{
			name: "create_and_update", load: flexera.LoadIncremental, mode: flexera.SyncCreateAndUpdate,
			wantSent: map[string]map[string]any{
				"bob@x.io":   {"lastName": "Builder", "activatedAt": "2026-01-02T00:00:00.000Z"},
				"carol@x.io": {"lastName": "C", "deactivatedAt": now, "activatedAt": "2026-01-03T00:00:00.000Z", "lastActivityAt": "2026-02-01T00:00:00.000Z"},
				"dave@x.io":  {"activatedAt": now, "deactivatedAt": nil},
				"erin@x.io":  {"activatedAt": now, "deactivatedAt": nil},
			},
			wantState: map[string]string{
				"alice@x.io": "A/2026-01-01T00:00:00.000Z/", "bob@x.io": "Builder/2026-01-02T00:00:00.000Z/",
				"carol@x.io": "C/2026-01-03T00:00:00.000Z/" + now, "dave@x.io": "D/" + now + "/", "erin@x.io": "E/" + now + "/",
			},
		},
		{
			name: "create_only", load: flexera.LoadIncremental, mode: flexera.SyncCreateOnly,
			wantSent: map[string]map[string]any{"dave@x.io": {"activatedAt": now}, "erin@x.io": {"activatedAt": now}},
			wantState: map[string]string{
				"alice@x.io": "A/2026-01-01T00:00:00.000Z/", "bob@x.io": "B/2026-01-02T00:00:00.000Z/",
				"carol@x.io": "C/2026-01-03T00:00:00.000Z/", "dave@x.io": "D/" + now + "/", "erin@x.io": "E/" + now + "/",
			},
		},
		{
			name: "update_only", load: flexera.LoadIncremental, mode: flexera.SyncUpdateOnly,
			wantSent: map[string]map[string]any{"bob@x.io": {"lastName": "Builder"}, "carol@x.io": {"deactivatedAt": now}},
			wantState: map[string]string{
				"alice@x.io": "A/2026-01-01T00:00:00.000Z/", "bob@x.io": "Builder/2026-01-02T00:00:00.000Z/",
				"carol@x.io": "C/2026-01-03T00:00:00.000Z/" + now, "dave@x.io": "D/2025-01-01T00:00:00.000Z/2025-06-01T00:00:00.000Z",
			},
		},
		{
			name: "full", load: flexera.LoadFull, mode: "",
			wantSent: map[string]map[string]any{
				"alice@x.io": {"activatedAt": "2026-01-01T00:00:00.000Z"}, "bob@x.io": {"lastName": "Builder"},
				"dave@x.io": {"activatedAt": now}, "erin@x.io": {"activatedAt": now},
			},
			wantState: map[string]string{
				"alice@x.io": "A/2026-01-01T00:00:00.000Z/", "bob@x.io": "Builder/2026-01-02T00:00:00.000Z/",
				"carol@x.io": "C/2026-01-03T00:00:00.000Z/" + now, "dave@x.io": "D/" + now + "/", "erin@x.io": "E/" + now + "/",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			c := newDeliverClient(t, f, day1)
			path := filepath.Join(t.TempDir(), "s.json")
			prevState(t, path)
			rep, err := c.Deliver(t.Context(), flexera.DeliverRequest{Org: "1", App: "ab", Load: tt.load, SyncMode: tt.mode, StatePath: path}, flexera.UsersFrom(todayUsers()))
			if err != nil {
				t.Fatal(err)
			}
			f.check(t)
			if rep.Created != 2 || rep.Updated != 1 || rep.Removed != 1 || rep.Unchanged != 1 {
				t.Errorf("diff counts created %d updated %d removed %d unchanged %d; want 2 1 1 1", rep.Created, rep.Updated, rep.Removed, rep.Unchanged)
			}
			sent := map[string]map[string]any{}
			for _, r := range f.sent() {
				sent[r["uniqueId"].(string)] = r
			}
			if len(sent) != len(tt.wantSent) || rep.Sent != len(tt.wantSent) {
				t.Errorf("sent %v (report %d), want %d records %v", f.sentIDs(), rep.Sent, len(tt.wantSent), slices.Sorted(mapsKeys(tt.wantSent)))
			}
			for id, fields := range tt.wantSent {
				r, ok := sent[id]
				if !ok {
					t.Errorf("%s not sent", id)
					continue
				}
				for k, v := range fields {
					if r[k] != v {
						t.Errorf("%s.%s = %v, want %v", id, k, r[k], v)
					}
				}
			}
			st, err := flexera.ReadState(path)
			if err != nil {
				t.Fatal(err)
			}
			gotState := map[string]string{}
			for _, u := range st.Users {
				gotState[u.UniqueID] = u.LastName + "/" + u.ActivatedAt + "/" + u.DeactivatedAt
			}
			if fmt.Sprint(gotState) != fmt.Sprint(tt.wantState) {
				t.Errorf("state after run:\n%v\nwant\n%v", gotState, tt.wantState)
			}
		})
	}
}

func mapsKeys[V any](m map[string]V) iter.Seq[string] {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestDeliverPendingChangesSurviveNarrowModes(t *testing.T) {
	// create_only leaves bob's rename and carol's removal pending; the next
	// create_and_update run sends exactly those.
	f := newFake()
	path := filepath.Join(t.TempDir(), "s.json")
	prevState(t, path)
	req := flexera.DeliverRequest{Org: "1", App: "ab", Load: flexera.LoadIncremental, SyncMode: flexera.SyncCreateOnly, StatePath: path}
	if _, err := newDeliverClient(t, f, day1).Deliver(t.Context(), req, flexera.UsersFrom(todayUsers())); err != nil {
		t.Fatal(err)
	}
	f2 := newFake()
	req.SyncMode = flexera.SyncCreateAndUpdate
	rep, err := newDeliverClient(t, f2, day1.Add(time.Hour)).Deliver(t.Context(), req, flexera.UsersFrom(todayUsers()))
	if err != nil {
		t.Fatal(err)
	}
	if got := f2.sentIDs(); fmt.Sprint(got) != "[bob@x.io carol@x.io]" || rep.Created != 0 {
		t.Fatalf("second run sent %v (created %d), want [bob@x.io carol@x.io]", got, rep.Created)
	}
	// A third run with nothing new sends nothing and creates no job.
	f3 := newFake()
	rep, err = newDeliverClient(t, f3, day1.Add(2*time.Hour)).Deliver(t.Context(), req, flexera.UsersFrom(todayUsers()))
	if err != nil || len(f3.requests) != 0 || rep.Unchanged != 4 || rep.StateWritten {
		t.Fatalf("no-change run: %v, requests %v, report %+v", err, f3.requests, rep)
	}
}

func TestDeliverCrashBeforeJobLeavesStateAndResends(t *testing.T) {
	tests := []struct {
		name      string
		withState bool
		fault     func(f *fakeFlexera)
		wantErr   error
	}{
		{"job creation fails, previous state", true, func(f *fakeFlexera) { f.failJobCreate = 1 }, nil},
		{"job creation fails, first run", false, func(f *fakeFlexera) { f.failJobCreate = 1 }, nil},
		{"job fails", true, func(f *fakeFlexera) {
			f.finalStatus, f.jobErrors = "failed", []flexera.JobError{{Error: "processing_error", Summary: "file rejected"}}
		}, flexera.ErrJobFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.json")
			if tt.withState {
				prevState(t, path)
			}
			before, _ := os.ReadFile(path)
			req := flexera.DeliverRequest{Org: "1", App: "ab", Load: flexera.LoadIncremental, StatePath: path}

			f := newFake()
			tt.fault(f)
			rep, err := newDeliverClient(t, f, day1).Deliver(t.Context(), req, flexera.UsersFrom(todayUsers()))
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("Deliver with a fault: err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil {
				var ae *flexera.APIError
				if !errors.As(err, &ae) || ae.StatusCode != 500 || ae.Name != "internal_error" {
					t.Fatalf("err = %v, want the 500 goa error", err)
				}
			}
			if rep.StateWritten || len(rep.Files) == 0 {
				t.Fatalf("report %+v: want files uploaded and no state written", rep)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Fatalf("state file changed by a failed run:\nbefore %s\nafter %s", before, after)
			}
			firstSent := f.sent()
			if len(firstSent) == 0 {
				t.Fatal("nothing uploaded before the fault")
			}

			f2 := newFake()
			if _, err := newDeliverClient(t, f2, day1).Deliver(t.Context(), req, flexera.UsersFrom(todayUsers())); err != nil {
				t.Fatalf("rerun: %v", err)
			}
			if got := f2.sent(); fmt.Sprint(got) != fmt.Sprint(firstSent) {
				t.Fatalf("rerun sent\n%v\nwant the same records as the failed run\n%v", got, firstSent)
			}
			if after, _ := os.ReadFile(path); bytes.Equal(before, after) {
				t.Fatal("state not written after the successful rerun")
			}
		})
	}
}

func TestDeliverSplitsFilesAndBatchesJobs(t *testing.T) {
	var users []saasconnect.User
	for i := range 400 {
		users = append(users, saasconnect.User{Email: fmt.Sprintf("user%03d.%x@example.com", i, i*7919), FirstName: fmt.Sprintf("F%x", i*104729), LastName: fmt.Sprintf("L%x", i*1299709)})
	}
	small := func(c *flexera.Config) { c.MaxFileSize = 1200 }

	t.Run("incremental over several jobs", func(t *testing.T) {
		f := newFake()
		rep, err := newDeliverClient(t, f, day0, small).Deliver(t.Context(),
			flexera.DeliverRequest{Org: "1", App: "ab", Load: flexera.LoadIncremental, StatePath: filepath.Join(t.TempDir(), "s.json")}, flexera.UsersFrom(users))
		if err != nil {
			t.Fatal(err)
		}
		f.check(t)
		if len(rep.Files) <= flexera.MaxSaaSDataPerJob {
			t.Fatalf("%d files, want more than %d for this test", len(rep.Files), flexera.MaxSaaSDataPerJob)
		}
		names := map[string]bool{}
		for _, id := range f.dataOrder {
			d := f.data[id]
			if len(d.body) >= 1200 {
				t.Errorf("%s: %d bytes received, limit 1200", d.fileName, len(d.body))
			}
			if names[d.fileName] {
				t.Errorf("file name %s used twice", d.fileName)
			}
			names[d.fileName] = true
		}
		if got := f.sentIDs(); len(got) != 400 || len(slices.Compact(got)) != 400 {
			t.Fatalf("%d records received, want each of 400 once", len(got))
		}
		wantJobs := (len(rep.Files) + 9) / 10
		if len(f.jobOrder) != wantJobs || len(rep.Jobs) != wantJobs {
			t.Fatalf("%d jobs, want %d", len(f.jobOrder), wantJobs)
		}
		total := 0
		for _, id := range f.jobOrder {
			n := len(f.jobs[id].req.SaaSDataList)
			if n < 1 || n > 10 {
				t.Errorf("job with %d files", n)
			}
			total += n
		}
		if total != len(rep.Files) {
			t.Errorf("jobs name %d files, %d uploaded", total, len(rep.Files))
		}
	})

	t.Run("compressible full load in one job of several files", func(t *testing.T) {
		var same []saasconnect.User
		for i := range 400 {
			same = append(same, saasconnect.User{Email: fmt.Sprintf("member-%04d@very-long-company-domain.example.com", i), FirstName: "Firstname", LastName: "Lastname-Lastname"})
		}
		f := newFake()
		rep, err := newDeliverClient(t, f, day0, func(c *flexera.Config) { c.MaxFileSize = 2000 }).Deliver(t.Context(),
			flexera.DeliverRequest{Org: "1", App: "ab"}, flexera.UsersFrom(same))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Files) < 2 || len(rep.Files) > 10 || len(f.jobOrder) != 1 || len(f.sentIDs()) != 400 {
			t.Fatalf("%d files, %d jobs, %d records; want 2-10 files in 1 job with 400 records", len(rep.Files), len(f.jobOrder), len(f.sentIDs()))
		}
		f.check(t)
	})

	t.Run("full load that needs more than ten files", func(t *testing.T) {
		f := newFake()
		path := filepath.Join(t.TempDir(), "s.json")
		_, err := newDeliverClient(t, f, day0, small).Deliver(t.Context(), flexera.DeliverRequest{Org: "1", App: "ab", StatePath: path}, flexera.UsersFrom(users))
		if !errors.Is(err, flexera.ErrTooManyFiles) {
			t.Fatalf("err = %v, want ErrTooManyFiles", err)
		}
		if len(f.jobOrder) != 0 || len(f.dataOrder) != 0 {
			t.Fatalf("%d SaaSData and %d import jobs created, want none", len(f.dataOrder), len(f.jobOrder))
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatal("state written")
		}
		var out bytes.Buffer
		_, err = newDeliverClient(t, newFake(), day0, small).Deliver(t.Context(), flexera.DeliverRequest{Org: "1", App: "ab", DryRun: &out}, flexera.UsersFrom(users))
		if !errors.Is(err, flexera.ErrTooManyFiles) {
			t.Fatalf("dry run: err = %v, want ErrTooManyFiles", err)
		}
	})
}

func TestDeliverRecoversLostUploadResponse(t *testing.T) {
	// The PATCH is stored but its answer is lost (429): the retry gets 423,
	// and Deliver accepts it because the stored checksum is this file's.
	f := newFake()
	f.lostPatch = true
	rep, err := newDeliverClient(t, f, day0).Deliver(t.Context(), flexera.DeliverRequest{Org: "1", App: "ab"}, flexera.UsersFrom(todayUsers()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Jobs) != 1 || rep.Sent != 4 || f.count("GET /saas/v1/orgs/1/saas-data/") != 1 {
		t.Fatalf("report %+v, requests %v", rep, f.requests)
	}
}

func TestDeliverDryRun(t *testing.T) {
	f := newFake()
	cfg := f.server(t)
	cfg.RefreshToken = "" // a dry run needs no credentials
	c, err := flexera.New(cfg, flexera.WithClock(func() time.Time { return day1 }))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s.json")
	prevState(t, path)
	before, _ := os.ReadFile(path)
	var out bytes.Buffer
	rep, err := c.Deliver(t.Context(), flexera.DeliverRequest{Org: "1", App: "ab", Load: flexera.LoadIncremental, StatePath: path, DryRun: &out, RunID: "dry"}, flexera.UsersFrom(todayUsers()))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.requests) != 0 {
		t.Fatalf("dry run sent requests: %v", f.requests)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) || rep.StateWritten {
		t.Fatal("dry run wrote the state")
	}
	var records []flexera.RosterRecord
	var job flexera.ImportJobRequest
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		if strings.Contains(line, `"managedAppId"`) {
			if err := json.Unmarshal([]byte(line), &job); err != nil {
				t.Fatal(err)
			}
			continue
		}
		var r flexera.RosterRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("dry run line %q: %v", line, err)
		}
		records = append(records, r)
	}
	if len(records) != 4 || rep.Sent != 4 || !rep.DryRun {
		t.Fatalf("dry run records %+v, report %+v\n%s", records, rep, out.String())
	}
	if job.ManagedAppID != "ab" || job.ImportSettings.LoadType != "incremental" || len(job.SaaSDataList) != 1 ||
		!strings.Contains(job.SaaSDataList[0].Name, "saasconnect-roster-ab-20260302T090000Z-dry-001.jsonl.gz") {
		t.Fatalf("dry run job %+v\n%s", job, out.String())
	}

	// Nothing to send: the dry run says so.
	out.Reset()
	if _, err := c.Deliver(t.Context(), flexera.DeliverRequest{Org: "1", App: "ab", Load: flexera.LoadIncremental, SyncMode: flexera.SyncUpdateOnly, DryRun: &out}, flexera.UsersFrom(todayUsers())); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no changes to send") {
		t.Fatalf("dry run output:\n%s", out.String())
	}
	// A failing writer is reported.
	if _, err := c.Deliver(t.Context(), flexera.DeliverRequest{Org: "1", App: "ab", DryRun: failWriter{}}, flexera.UsersFrom(todayUsers())); err == nil {
		t.Fatal("dry run to a failing writer: no error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestDeliverRefusals(t *testing.T) {
	dir := t.TempDir()
	statePath := filepath.Join(dir, "s.json")
	prevState(t, statePath) // org 1, app ab, email
	corrupt := filepath.Join(dir, "corrupt.json")
	_ = os.WriteFile(corrupt, []byte("{\"version\": 1,\n \"users\": [}"), 0o600)
	failing := func(yield func(saasconnect.User, error) bool) {
		if yield(saasconnect.User{Email: "a@x.io"}, nil) {
			yield(saasconnect.User{}, errors.New("page 2: vendor said 500"))
		}
	}
	tests := []struct {
		name    string
		req     flexera.DeliverRequest
		users   iter.Seq2[saasconnect.User, error]
		noCreds bool
		want    string
		wantIs  error
	}{
		{"bad org", flexera.DeliverRequest{Org: "acme", App: "ab"}, nil, false, `org id "acme"`, nil},
		{"app name instead of id", flexera.DeliverRequest{Org: "1", App: "Figma"}, nil, false, `managed app id "Figma"`, nil},
		{"bad load", flexera.DeliverRequest{Org: "1", App: "ab", Load: "delta"}, nil, false, `unknown load type "delta"`, nil},
		{"bad mode", flexera.DeliverRequest{Org: "1", App: "ab", SyncMode: "upsert"}, nil, false, `unknown sync mode "upsert"`, nil},
		{"bad key", flexera.DeliverRequest{Org: "1", App: "ab", SyncKey: "name"}, nil, false, `unknown sync key "name"`, nil},
		{"full with create_only", flexera.DeliverRequest{Org: "1", App: "ab", SyncMode: flexera.SyncCreateOnly}, nil, false, "needs an incremental load", nil},
		{"no credentials", flexera.DeliverRequest{Org: "1", App: "ab"}, nil, true, "", flexera.ErrNoCredentials},
		{"state of another app", flexera.DeliverRequest{Org: "1", App: "cd", StatePath: statePath}, nil, false, statePath, flexera.ErrStateMismatch},
		{"state of another sync key", flexera.DeliverRequest{Org: "1", App: "ab", SyncKey: flexera.SyncKeyID, StatePath: statePath}, nil, false, "sync key id", flexera.ErrStateMismatch},
		{"corrupt state", flexera.DeliverRequest{Org: "1", App: "ab", StatePath: corrupt}, nil, false, corrupt + ": line 2", nil},
		{"empty full load", flexera.DeliverRequest{Org: "1", App: "ab"}, flexera.UsersFrom([]saasconnect.User{{Name: "no email"}}), false, "1 users read", flexera.ErrEmptyFullLoad},
		{"state path under a file", flexera.DeliverRequest{Org: "1", App: "ab", StatePath: filepath.Join(statePath, "sub", "s.json")}, nil, false, filepath.Join(statePath, "sub"), nil},
		{"users fail midway", flexera.DeliverRequest{Org: "1", App: "ab", Load: flexera.LoadIncremental}, failing, false, "(after 1, nothing sent): page 2", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			cfg := f.server(t)
			if tt.noCreds {
				cfg.RefreshToken = ""
			}
			c, _ := flexera.New(cfg)
			users := tt.users
			if users == nil {
				users = flexera.UsersFrom(todayUsers())
			}
			_, err := c.Deliver(t.Context(), tt.req, users)
			if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.wantIs != nil && !errors.Is(err, tt.wantIs)) {
				t.Fatalf("err = %v, want %q / %v", err, tt.want, tt.wantIs)
			}
			if len(f.requests) != 0 {
				t.Fatalf("requests sent: %v", f.requests)
			}
		})
	}
}

func TestDeliverDeprovisionedUsersAreRemoved(t *testing.T) {
	f := newFake()
	path := filepath.Join(t.TempDir(), "s.json")
	prevState(t, path)
	users := todayUsers()
	users[0].Status = saasconnect.StatusDeprovisioned // alice
	users[1].Status = saasconnect.StatusSuspended     // bob keeps his seat
	rep, err := newDeliverClient(t, f, day1).Deliver(t.Context(), flexera.DeliverRequest{Org: "1", App: "ab", Load: flexera.LoadIncremental, StatePath: path}, flexera.UsersFrom(users))
	if err != nil {
		t.Fatal(err)
	}
	removed := map[string]bool{}
	for _, r := range f.sent() {
		if r["deactivatedAt"] != nil {
			removed[r["uniqueId"].(string)] = true
		}
	}
	if rep.Deprovisioned != 1 || rep.Removed != 2 || !removed["alice@x.io"] || !removed["carol@x.io"] || removed["bob@x.io"] {
		t.Fatalf("report %+v, removals sent %v; want alice and carol removed", rep, removed)
	}
}

func TestDeliverTransportFailure(t *testing.T) {
	down := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, errors.New("connection refused")
	})
	c, _ := flexera.New(flexera.Config{RefreshToken: "rt-secret-value"}, flexera.WithHTTPClient(&http.Client{Transport: down}))
	_, err := c.Deliver(t.Context(), flexera.DeliverRequest{Org: "1", App: "ab"}, flexera.UsersFrom(todayUsers()))
	var te *flexera.TokenError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "POST https://login.flexera.com/oidc/token: connection refused") || strings.Contains(err.Error(), "rt-secret-value") {
		t.Fatalf("err = %v, want a *TokenError naming the token URL", err)
	}
	c, _ = flexera.New(flexera.Config{APIURL: "https://api.example"}, flexera.WithHTTPClient(&http.Client{Transport: down}), flexera.WithTokenSource(staticToken("t")))
	if _, err := c.GetSaaSData(t.Context(), "1", "x"); err == nil || !strings.Contains(err.Error(), "GET https://api.example/saas/v1/orgs/1/saas-data/x: connection refused") {
		t.Fatalf("err = %v", err)
	}
	if c.Config().APIBaseURL() != "https://api.example" || c.Config().MaxFileSize != flexera.DefaultMaxFileSize {
		t.Fatalf("Config() = %+v", c.Config())
	}
}

func TestDeliverSyncKeyID(t *testing.T) {
	f := newFake()
	users := []saasconnect.User{{ID: "u-1", Email: "a@x.io", Name: "A"}, {ID: "u-2", Name: "No Email"}, {Email: "noid@x.io"}}
	rep, err := newDeliverClient(t, f, day0).Deliver(t.Context(), flexera.DeliverRequest{Org: "1", App: "ab", SyncKey: flexera.SyncKeyID, NoWait: true}, flexera.UsersFrom(users))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.sentIDs(); fmt.Sprint(got) != "[u-1 u-2]" || rep.Skipped != 1 {
		t.Fatalf("sent %v skipped %d, want [u-1 u-2] and 1 skipped", got, rep.Skipped)
	}
	if n := f.count("GET /saas/v1/orgs/1/import-jobs/"); n != 0 || rep.Jobs[0].Status != flexera.JobReady {
		t.Fatalf("NoWait polled %d times, job %+v", n, rep.Jobs[0])
	}
}

func TestDeliverSkusForceFullLoad(t *testing.T) {
	tests := []struct {
		name     string
		load     flexera.LoadType
		mode     flexera.SyncMode
		users    []saasconnect.User
		wantLoad flexera.LoadType
		wantNote string // prefix of the only note; "" means no note
		wantSkus map[string][]any
	}{
		{
			name: "incremental with skus is forced full", load: flexera.LoadIncremental, mode: flexera.SyncCreateOnly,
			users: []saasconnect.User{
				{Email: "a@x.io", Name: "A A", Licenses: []string{" PRO ", "", "PRO", "ENT"}},
				{Email: "b@x.io", Name: "B B"},
			},
			wantLoad: flexera.LoadFull, wantNote: flexera.NoteSkusForceFull + " (sync mode create_only",
			wantSkus: map[string][]any{"a@x.io": {"PRO", "ENT"}, "b@x.io": nil},
		},
		{
			name: "incremental without skus stays incremental", load: flexera.LoadIncremental, mode: flexera.SyncCreateAndUpdate,
			users:    []saasconnect.User{{Email: "a@x.io", Name: "A A", Licenses: []string{" "}}},
			wantLoad: flexera.LoadIncremental,
			wantSkus: map[string][]any{"a@x.io": nil},
		},
		{
			name: "full with skus needs no note", load: flexera.LoadFull,
			users:    []saasconnect.User{{Email: "a@x.io", Name: "A A", Licenses: []string{"PRO"}}},
			wantLoad: flexera.LoadFull,
			wantSkus: map[string][]any{"a@x.io": {"PRO"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			c := newDeliverClient(t, f, day0)
			var plan bytes.Buffer
			req := flexera.DeliverRequest{Org: "1", App: "ab", Load: tt.load, SyncMode: tt.mode, RunID: "s"}
			dry := req
			dry.DryRun = &plan
			drep, err := c.Deliver(t.Context(), dry, flexera.UsersFrom(tt.users))
			if err != nil {
				t.Fatalf("dry run: %v", err)
			}
			rep, err := c.Deliver(t.Context(), req, flexera.UsersFrom(tt.users))
			if err != nil {
				t.Fatal(err)
			}
			f.check(t)
			for _, r := range []flexera.DeliveryReport{drep, rep} {
				if r.Load != tt.wantLoad {
					t.Errorf("report load %s, want %s", r.Load, tt.wantLoad)
				}
				switch {
				case tt.wantNote == "" && len(r.Notes) != 0:
					t.Errorf("notes %q, want none", r.Notes)
				case tt.wantNote != "" && (len(r.Notes) != 1 || !strings.HasPrefix(r.Notes[0], tt.wantNote)):
					t.Errorf("notes %q, want one starting %q", r.Notes, tt.wantNote)
				}
			}
			if tt.wantNote != "" && !strings.Contains(plan.String(), "# "+flexera.NoteSkusForceFull) {
				t.Errorf("dry-run plan does not say the load was forced:\n%s", plan.String())
			}
			if !strings.Contains(plan.String(), `"loadType":"`+string(tt.wantLoad)+`"`) {
				t.Errorf("dry-run plan's import job is not %s:\n%s", tt.wantLoad, plan.String())
			}
			job := f.jobs[f.jobOrder[0]].req
			if job.ImportSettings.LoadType != tt.wantLoad {
				t.Errorf("import job load %s, want %s", job.ImportSettings.LoadType, tt.wantLoad)
			}
			got := map[string][]any{}
			for _, r := range f.sent() {
				s, _ := r["skus"].([]any)
				got[r["uniqueId"].(string)] = s
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.wantSkus) {
				t.Errorf("skus sent %v, want %v", got, tt.wantSkus)
			}
		})
	}
}
