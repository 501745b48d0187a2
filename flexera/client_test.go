package flexera_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/saasconnect/saasconnect/flexera"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const oneRecord = `{"uniqueId":"a@x.io","email":"a@x.io","firstName":"A","lastName":"B","activatedAt":"2026-01-01T00:00:00.000Z"}` + "\n"

func TestUploadAndImportJobProtocol(t *testing.T) {
	f := newFake()
	c, err := flexera.New(f.server(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	id, err := c.CreateSaaSData(ctx, "123", "roster-1.jsonl.gz")
	if err != nil || id != "sd0001" {
		t.Fatalf("CreateSaaSData = %q, %v; want the Location id sd0001", id, err)
	}
	if err := c.UploadSaaSData(ctx, "123", id, gz(t, oneRecord)); err != nil {
		t.Fatal(err)
	}
	d, err := c.GetSaaSData(ctx, "123", id)
	if err != nil || d.Status != "uploaded" || d.Name != "roster-1.jsonl.gz" {
		t.Fatalf("GetSaaSData = %+v, %v", d, err)
	}

	// 423: a second upload into the same SaaSData.
	err = c.UploadSaaSData(ctx, "123", id, gz(t, oneRecord))
	var ae *flexera.APIError
	if !errors.Is(err, flexera.ErrAlreadyUploaded) || !errors.As(err, &ae) || ae.StatusCode != 423 || ae.Name != "saasdata_locked" {
		t.Fatalf("second upload: %v, want ErrAlreadyUploaded (423 saasdata_locked)", err)
	}
	if !strings.Contains(err.Error(), "/saas/v1/orgs/123/saas-data/sd0001") {
		t.Errorf("error does not name the URL: %v", err)
	}

	jobID, err := c.CreateImportJob(ctx, "123", flexera.ImportJobRequest{
		ManagedAppID:   "4af2",
		ImportSettings: flexera.ImportSettings{TaskName: flexera.TaskApplicationRoster, LoadType: flexera.LoadIncremental},
		SaaSDataList:   []flexera.SaaSDataRef{{Name: id}},
	})
	if err != nil || len(jobID) != 26 {
		t.Fatalf("CreateImportJob = %q, %v", jobID, err)
	}
	j, err := c.WaitImportJob(ctx, "123", jobID)
	if err != nil || j.Status != flexera.JobCompleted || !j.Done() {
		t.Fatalf("WaitImportJob = %+v, %v", j, err)
	}
	if got := f.sent(); len(got) != 1 || got[0]["uniqueId"] != "a@x.io" {
		t.Fatalf("server decoded %v", got)
	}
	f.check(t)
}

func TestRequestValidation(t *testing.T) {
	c, err := flexera.New(flexera.Config{RefreshToken: "x"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"org not a number", func() error { _, err := c.CreateSaaSData(ctx, "acme", "f"); return err }, `org id "acme"`},
		{"file name with slash", func() error { _, err := c.CreateSaaSData(ctx, "1", "a/b"); return err }, `file name id "a/b"`},
		{"app not hex", func() error {
			_, err := c.CreateImportJob(ctx, "1", flexera.ImportJobRequest{ManagedAppID: "Salesforce", ImportSettings: flexera.ImportSettings{TaskName: "ApplicationRoster", LoadType: "full"}, SaaSDataList: []flexera.SaaSDataRef{{Name: "x"}}})
			return err
		}, `managed app id "Salesforce"`},
		{"eleven files", func() error {
			_, err := c.CreateImportJob(ctx, "1", flexera.ImportJobRequest{ManagedAppID: "ab", ImportSettings: flexera.ImportSettings{TaskName: "ApplicationRoster", LoadType: "full"}, SaaSDataList: make([]flexera.SaaSDataRef, 11)})
			return err
		}, "11 SaaSData entries, want 1-10"},
		{"bad load type", func() error {
			_, err := c.CreateImportJob(ctx, "1", flexera.ImportJobRequest{ManagedAppID: "ab", ImportSettings: flexera.ImportSettings{TaskName: "ApplicationRoster", LoadType: "delta"}, SaaSDataList: []flexera.SaaSDataRef{{Name: "x"}}})
			return err
		}, `load type "delta"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestNoCredentials(t *testing.T) {
	c, err := flexera.New(flexera.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateSaaSData(t.Context(), "1", "f"); !errors.Is(err, flexera.ErrNoCredentials) {
		t.Fatalf("err = %v, want ErrNoCredentials", err)
	}
}

func TestLocationParsing(t *testing.T) {
	tests := []struct {
		location string
		wantID   string
		wantErr  string
	}{
		{"/saas/v1/orgs/123/saas-data/abcdefg123", "abcdefg123", ""},
		{"https://api.flexera.com/saas/v1/orgs/123/saas-data/abc/", "abc", ""},
		{"/saas/v1/orgs/123/saas-data/roster%201.json", "roster 1.json", ""},
		{"", "", "no Location header"},
		{"/", "", "no id segment"},
	}
	for _, tt := range tests {
		t.Run(tt.location, func(t *testing.T) {
			srv := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if r.URL.Path == "/oidc/token" {
					return jsonResponse(200, `{"access_token":"t","expires_in":3600}`), nil
				}
				resp := jsonResponse(201, "")
				if tt.location != "" {
					resp.Header.Set("Location", tt.location)
				}
				return resp, nil
			})
			c, _ := flexera.New(flexera.Config{RefreshToken: "r"}, flexera.WithHTTPClient(&http.Client{Transport: srv}))
			id, err := c.CreateSaaSData(t.Context(), "123", "f.jsonl.gz")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || id != tt.wantID {
				t.Fatalf("id = %q, %v; want %q", id, err, tt.wantID)
			}
		})
	}
}

func jsonResponse(status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: ioNopCloser(body)}
}

func TestAPIErrorDecoding(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		sentinel error
		check    func(*flexera.APIError) bool
	}{
		{"goa 404", 404, `{"name":"import_job_id_not_found","id":"Xy1","message":"job not found","temporary":false,"timeout":false,"fault":false}`, flexera.ErrNotFound,
			func(e *flexera.APIError) bool {
				return e.Name == "import_job_id_not_found" && e.ID == "Xy1" && e.Message == "job not found"
			}},
		{"goa 500 fault", 500, `{"name":"internal_error","id":"z","message":"boom","temporary":true,"timeout":false,"fault":true}`, nil,
			func(e *flexera.APIError) bool { return e.Fault && e.Temporary && e.Name == "internal_error" }},
		{"plain body 403", 403, `forbidden by proxy`, flexera.ErrForbidden,
			func(e *flexera.APIError) bool { return e.Body == "forbidden by proxy" && e.Name == "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if r.URL.Path == "/oidc/token" {
					return jsonResponse(200, `{"access_token":"t","expires_in":3600}`), nil
				}
				return jsonResponse(tt.status, tt.body), nil
			})
			c, _ := flexera.New(flexera.Config{RefreshToken: "r"}, flexera.WithHTTPClient(&http.Client{Transport: srv}))
			_, err := c.GetImportJob(t.Context(), "7", "P6VAGLVY6BBKPF5F2TUCQJONPY")
			var ae *flexera.APIError
			if !errors.As(err, &ae) || ae.StatusCode != tt.status || !tt.check(ae) {
				t.Fatalf("err = %#v", err)
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.sentinel)
			}
			if !strings.Contains(err.Error(), "GET https://api.flexera.com/saas/v1/orgs/7/import-jobs/P6VAGLVY6BBKPF5F2TUCQJONPY") {
				t.Errorf("error does not name method and URL: %v", err)
			}
		})
	}
}

// TestThrottling runs inside a synctest bubble with an in-memory transport,
// so retry waits take fake time and can be measured exactly.
func TestThrottling(t *testing.T) {
	tests := []struct {
		name        string
		retryAfter  string
		throttles   int
		maxWait     time.Duration
		wantWait    time.Duration
		wantErr     error
		wantRetryIn time.Duration
	}{
		{"retry-after seconds honoured", "7", 1, 0, 7 * time.Second, nil, 0},
		{"retry-after capped", "3600", 2, 10 * time.Second, 20 * time.Second, nil, 0},
		{"no retry-after backs off", "", 2, 0, 3 * time.Second, nil, 0},
		{"retry-after HTTP date", time.Date(2000, 1, 1, 0, 0, 4, 0, time.UTC).Format(http.TimeFormat), 1, 0, 4 * time.Second, nil, 0},
		{"attempts exhausted", "1", 5, 0, 4 * time.Second, flexera.ErrRateLimited, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake()
				f.throttle["PATCH saas-data"] = tt.throttles
				f.retryAfter = tt.retryAfter
				c, err := flexera.New(flexera.Config{RefreshToken: flexera.Secret(f.refreshToken), MaxRetryWait: tt.maxWait},
					flexera.WithHTTPClient(&http.Client{Transport: f.transport()}))
				if err != nil {
					t.Fatal(err)
				}
				ctx := t.Context()
				id, err := c.CreateSaaSData(ctx, "1", "f.jsonl.gz")
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				err = c.UploadSaaSData(ctx, "1", id, gz(t, oneRecord))
				if waited := time.Since(start); waited != tt.wantWait {
					t.Errorf("waited %s, want %s", waited, tt.wantWait)
				}
				if tt.wantErr == nil {
					if err != nil {
						t.Fatal(err)
					}
					if got := len(f.sent()); got != 1 {
						t.Fatalf("%d records stored after retries, want 1", got)
					}
					return
				}
				var ae *flexera.APIError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &ae) || ae.RetryAfter != tt.wantRetryIn {
					t.Fatalf("err = %v, want %v with RetryAfter %s", err, tt.wantErr, tt.wantRetryIn)
				}
			})
		})
	}
}

func TestThrottleWaitEndsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		f.throttle["POST import-jobs"] = 1
		f.retryAfter = "30"
		c, _ := flexera.New(flexera.Config{RefreshToken: flexera.Secret(f.refreshToken)}, flexera.WithHTTPClient(&http.Client{Transport: f.transport()}))
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.CreateImportJob(ctx, "1", flexera.ImportJobRequest{ManagedAppID: "ab", ImportSettings: flexera.ImportSettings{TaskName: "ApplicationRoster", LoadType: "full"}, SaaSDataList: []flexera.SaaSDataRef{{Name: "x"}}})
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 5*time.Second {
			t.Fatalf("err = %v after %s, want DeadlineExceeded after 5s", err, time.Since(start))
		}
	})
}

func TestWaitImportJob(t *testing.T) {
	tests := []struct {
		name      string
		polls     int
		final     string
		jobErrors []flexera.JobError
		wantErr   error
	}{
		{"completes after polls", 4, "completed", nil, nil},
		{"completes at once", 1, "completed", nil, nil},
		{"fails with errors", 3, "failed", []flexera.JobError{
			{Error: "invalid_record", Summary: "line 2: email missing", PotentialResolution: "add an email"},
			{Error: "invalid_record", Summary: "line 9: bad activatedAt"},
		}, flexera.ErrJobFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake()
				f.pollsToFinish, f.finalStatus, f.jobErrors = tt.polls, tt.final, tt.jobErrors
				c, _ := flexera.New(flexera.Config{RefreshToken: flexera.Secret(f.refreshToken), PollInterval: 15 * time.Second},
					flexera.WithHTTPClient(&http.Client{Transport: f.transport()}))
				ctx := t.Context()
				sd, _ := c.CreateSaaSData(ctx, "1", "f.jsonl.gz")
				_ = c.UploadSaaSData(ctx, "1", sd, gz(t, oneRecord))
				id, err := c.CreateImportJob(ctx, "1", flexera.ImportJobRequest{ManagedAppID: "ab", ImportSettings: flexera.ImportSettings{TaskName: "ApplicationRoster", LoadType: "full"}, SaaSDataList: []flexera.SaaSDataRef{{Name: sd}}})
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				j, err := c.WaitImportJob(ctx, "1", id)
				if waited, want := time.Since(start), time.Duration(tt.polls-1)*15*time.Second; waited != want {
					t.Errorf("waited %s, want %s (%d polls, 15s apart)", waited, want, tt.polls)
				}
				if j.Status != tt.final {
					t.Errorf("status %q, want %q", j.Status, tt.final)
				}
				if tt.wantErr == nil {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				var jf *flexera.JobFailedError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &jf) || len(jf.Job.Errors) != len(tt.jobErrors) {
					t.Fatalf("err = %v, want *JobFailedError with %d errors", err, len(tt.jobErrors))
				}
				for _, je := range tt.jobErrors {
					if !strings.Contains(err.Error(), je.Summary) {
						t.Errorf("error %q does not show job error %q", err, je.Summary)
					}
				}
			})
		})
	}
}

func TestWaitImportJobEndsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		f.pollsToFinish = 1000
		c, _ := flexera.New(flexera.Config{RefreshToken: flexera.Secret(f.refreshToken), PollInterval: time.Minute},
			flexera.WithHTTPClient(&http.Client{Transport: f.transport()}))
		ctx := t.Context()
		sd, _ := c.CreateSaaSData(ctx, "1", "f.jsonl.gz")
		_ = c.UploadSaaSData(ctx, "1", sd, gz(t, oneRecord))
		id, _ := c.CreateImportJob(ctx, "1", flexera.ImportJobRequest{ManagedAppID: "ab", ImportSettings: flexera.ImportSettings{TaskName: "ApplicationRoster", LoadType: "full"}, SaaSDataList: []flexera.SaaSDataRef{{Name: sd}}})
		ctx, cancel := context.WithTimeout(ctx, 150*time.Second)
		defer cancel()
		j, err := c.WaitImportJob(ctx, "1", id)
		if !errors.Is(err, context.DeadlineExceeded) || j.Status != "queued" {
			t.Fatalf("= %q, %v; want queued, DeadlineExceeded", j.Status, err)
		}
	})
}

func TestManagedApps(t *testing.T) {
	f := newFake()
	f.apps = []flexera.ManagedApp{
		{ID: "a1", Name: "Figma", ActivityThreshold: 30},
		{ID: "b2", Name: "Slack"},
		{ID: "c3", Name: "", AppName: "Zoom"},
		{ID: "d4", Name: "Slack"},
		{ID: "e5", Name: "GitHub"},
	}
	f.appsPerPage = 2
	c, _ := flexera.New(f.server(t))
	ctx := t.Context()
	apps, err := c.ListManagedApps(ctx, "9", "extended")
	if err != nil || len(apps) != 5 || apps[4].ID != "e5" {
		t.Fatalf("ListManagedApps = %+v, %v; want 5 apps over 3 pages", apps, err)
	}
	if n := f.count("GET /saas/v1/orgs/9/managed-apps"); n != 3 {
		t.Errorf("%d page requests, want 3", n)
	}
	tests := []struct {
		name, wantID, wantErr string
	}{
		{"figma", "a1", ""},
		{"ZOOM", "c3", ""},
		{"Slack", "", "2 managed apps named"},
		{"Jira", "", "no managed app named"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, err := c.FindManagedAppByName(ctx, "9", tt.name)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || app.ID != tt.wantID {
				t.Fatalf("= %+v, %v; want id %s", app, err, tt.wantID)
			}
		})
	}
	if app, err := c.GetManagedApp(ctx, "9", "b2"); err != nil || app.Name != "Slack" {
		t.Fatalf("GetManagedApp = %+v, %v", app, err)
	}
	if _, err := c.GetManagedApp(ctx, "9", "ff"); !errors.Is(err, flexera.ErrNotFound) {
		t.Fatalf("GetManagedApp(ff) = %v, want ErrNotFound", err)
	}

	// A nextPage on another origin is refused (the token must not go there).
	f.nextPageAbs = "https://evil.example"
	if _, err := c.ListManagedApps(ctx, "9", ""); err == nil || !strings.Contains(err.Error(), "another origin") {
		t.Fatalf("cross-origin nextPage: %v", err)
	}
}

func TestManagedAppsNextPageLoop(t *testing.T) {
	srv := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/oidc/token" {
			return jsonResponse(200, `{"access_token":"t","expires_in":3600}`), nil
		}
		return jsonResponse(200, `{"values":[{"id":"a","name":"A"}],"nextPage":"https://api.flexera.com/saas/v1/orgs/1/managed-apps?skipToken=same"}`), nil
	})
	c, _ := flexera.New(flexera.Config{RefreshToken: "r"}, flexera.WithHTTPClient(&http.Client{Transport: srv}))
	if _, err := c.ListManagedApps(t.Context(), "1", ""); err == nil || !strings.Contains(err.Error(), "repeats") {
		t.Fatalf("err = %v, want a repeated nextPage error", err)
	}
}
