package flexera

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect"
)

// DiscoveryRecord is one line of an ApplicationDiscovery file (JSON Lines):
// an SSO application of an identity provider. The JSON names are Flexera's.
type DiscoveryRecord struct {
	SsoAppName        string `json:"ssoAppName"`
	SsoAppDisplayName string `json:"ssoAppDisplayName"`
	SsoAppID          string `json:"ssoAppId,omitempty"`
	AppInstanceID     string `json:"appInstanceId"`
	// SsoAppAdditional carries the application's creation time when the
	// identity provider reports it.
	SsoAppAdditional *DiscoveryAdditional `json:"ssoAppAdditional,omitempty"`
}

// DiscoveryAdditional is the ssoAppAdditional object of a DiscoveryRecord.
type DiscoveryAdditional struct {
	CreatedAt string `json:"createdAt,omitempty"` // TimeFormat
}

// NewDiscoveryRecord builds the ApplicationDiscovery record of a:
// ssoAppName is a.Name (a.Label when Name is empty), ssoAppDisplayName
// a.Label (a.Name when Label is empty), and both ssoAppId and appInstanceId
// are a.ID. The identity provider's application id names one integration
// instance (an Okta app id, an Entra service principal), which is what
// appInstanceId identifies across loads; the connector reports no separate
// catalogue id, so ssoAppId repeats it. It fails when a has no ID or no
// name.
func NewDiscoveryRecord(a saasconnect.Application) (DiscoveryRecord, error) {
	id := strings.TrimSpace(a.ID)
	name, label := strings.TrimSpace(a.Name), strings.TrimSpace(a.Label)
	if name == "" {
		name = label
	}
	if label == "" {
		label = name
	}
	switch {
	case id == "":
		return DiscoveryRecord{}, fmt.Errorf("flexera: application %q has no id (the appInstanceId)", name)
	case name == "":
		return DiscoveryRecord{}, fmt.Errorf("flexera: application %q has no name", id)
	}
	r := DiscoveryRecord{SsoAppName: name, SsoAppDisplayName: label, SsoAppID: id, AppInstanceID: id}
	if !a.Created.IsZero() {
		r.SsoAppAdditional = &DiscoveryAdditional{CreatedAt: FormatTime(a.Created)}
	}
	return r, nil
}

// ApplicationsFrom adapts a slice to the sequence DeliverApplications reads.
func ApplicationsFrom(apps []saasconnect.Application) iter.Seq2[saasconnect.Application, error] {
	return func(yield func(saasconnect.Application, error) bool) {
		for _, a := range apps {
			if !yield(a, nil) {
				return
			}
		}
	}
}

// DeliverApplications sends the SSO applications of an identity provider
// connector to the managed app req.App as an ApplicationDiscovery import,
// which Flexera accepts as a full load only, and waits for the import jobs
// unless req.NoWait.
//
// It reads every application (an error from apps stops it before anything
// is sent), builds one DiscoveryRecord each (see NewDiscoveryRecord;
// applications without an id or a name are counted in Skipped, repeated
// ids in Duplicates), encodes them as gzip JSON Lines files under
// Config.MaxFileSize and goes through the same SaaSData upload and import
// job flow as Deliver. It uses req.Org, App, DryRun, RunID and NoWait;
// req.Load must be "" or LoadFull, and the roster settings (SyncMode,
// SyncKey, StatePath) must be zero: no state is kept, as every load is
// full. The report counts applications in Users.
//
// Errors: request validation errors, ErrNoCredentials, ErrEmptyFullLoad,
// ErrTooManyFiles, ErrRecordTooLarge, *APIError, *TokenError,
// *JobFailedError. It is safe for concurrent use.
func (c *Client) DeliverApplications(ctx context.Context, req DeliverRequest, apps iter.Seq2[saasconnect.Application, error]) (rep DeliveryReport, err error) {
	now := c.now().UTC().Truncate(time.Millisecond)
	rep = DeliveryReport{Org: req.Org, App: req.App, DryRun: req.DryRun != nil, Started: now, Task: TaskApplicationDiscovery}
	defer func() { rep.Finished = c.now().UTC() }()
	if req.Load == "" {
		req.Load = LoadFull
	}
	if req.Load != LoadFull {
		return rep, fmt.Errorf("flexera: load type %q: an ApplicationDiscovery import is full only", req.Load)
	}
	if req.SyncMode != "" || req.SyncKey != "" || req.StatePath != "" {
		return rep, fmt.Errorf("flexera: an ApplicationDiscovery import takes no sync mode, sync key or state file")
	}
	if err := req.normalize(); err != nil {
		return rep, err
	}
	rep.Load = req.Load
	if req.DryRun == nil && c.ts == nil {
		return rep, ErrNoCredentials
	}

	seen := map[string]bool{}
	var send []DiscoveryRecord
	for a, err := range apps {
		if err != nil {
			return rep, fmt.Errorf("flexera: reading applications (after %d, nothing sent): %w", rep.Users, err)
		}
		rep.Users++
		rec, err := NewDiscoveryRecord(a)
		if err != nil {
			rep.Skipped++
			continue
		}
		if seen[rec.AppInstanceID] {
			rep.Duplicates++
			continue
		}
		seen[rec.AppInstanceID] = true
		send = append(send, rec)
	}
	if len(send) == 0 {
		return rep, fmt.Errorf("flexera: %d applications read, none deliverable: %w", rep.Users, ErrEmptyFullLoad)
	}
	slices.SortFunc(send, func(a, b DiscoveryRecord) int { return strings.Compare(a.AppInstanceID, b.AppInstanceID) })
	rep.Created = len(send)

	runID := safeFileName(req.RunID)
	if runID == "" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		runID = hex.EncodeToString(b[:])
	}
	fileName := func(i int) string {
		return fmt.Sprintf("saasconnect-sso-apps-%s-%s-%s-%03d.jsonl.gz", truncate(req.App, 40), now.Format("20060102T150405Z"), truncate(runID, 40), i)
	}
	key := func(r DiscoveryRecord) string { return r.AppInstanceID }

	if req.DryRun != nil {
		w := &errWriter{w: req.DryRun}
		fmt.Fprintf(w, "# flexera dry run: org %s, managed app %s, %s %s load (SSO applications)\n", req.Org, req.App, TaskApplicationDiscovery, req.Load)
		fmt.Fprintf(w, "# %d applications read: %d to send, %d skipped (no id or name), %d duplicates; nothing is sent\n",
			rep.Users, len(send), rep.Skipped, rep.Duplicates)
		return rep, dryRunFiles(c, w, req, &rep, TaskApplicationDiscovery, send, key, fileName)
	}

	files := 0
	if err := encodeRecords(send, key, c.cfg.MaxFileSize, func(encodedFile) error { files++; return nil }); err != nil {
		return rep, err
	}
	if files > MaxSaaSDataPerJob {
		return rep, fmt.Errorf("flexera: %d applications: %w (%d files of at most %d bytes); nothing was sent", len(send), ErrTooManyFiles, MaxSaaSDataPerJob, c.cfg.MaxFileSize)
	}
	err = c.uploadFiles(ctx, req, &rep, func(emit func(encodedFile) error) error {
		return encodeRecords(send, key, c.cfg.MaxFileSize, emit)
	}, fileName, fmt.Sprintf("%d applications", len(send)))
	if err != nil {
		return rep, err
	}
	return rep, c.runJobs(ctx, req, TaskApplicationDiscovery, &rep)
}
