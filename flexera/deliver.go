package flexera

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect"
)

// DeliverRequest says where and how Deliver sends a roster. Only Org and
// App are required; every other zero value has a default.
type DeliverRequest struct {
	Org string // Flexera One org id (a positive integer)
	App string // managed app id (lowercase hex, see FindManagedAppByName)

	Load     LoadType // "" means LoadFull
	SyncMode SyncMode // "" means SyncCreateAndUpdate; a full load accepts only that
	SyncKey  SyncKey  // "" means SyncKeyEmail

	// StatePath is the snapshot of the previous run (see State and
	// DefaultStatePath). "" keeps no state: every user counts as new,
	// activatedAt is always the run time and removals cannot be detected
	// (a full load still lets Flexera deactivate missing users).
	StatePath string

	// DryRun, when non-nil, receives the payload Deliver would send (the
	// JSON Lines records of each file and each import job body); nothing is
	// sent, no credentials are needed and the state file is not written.
	DryRun io.Writer

	// RunID goes into the uploaded file names (which Flexera wants
	// unique) next to the run time; "" means 8 random hex digits.
	RunID string

	// NoWait returns once the import jobs are created instead of polling
	// them until they finish. The state is then written on job creation.
	NoWait bool
}

// DeliveryReport tells what Deliver did. It is filled as far as the run
// got, also when Deliver returns an error.
type DeliveryReport struct {
	Org string
	App string
	// Task is the import task: TaskApplicationRoster for Deliver,
	// TaskApplicationDiscovery for DeliverApplications.
	Task     TaskName
	Load     LoadType
	SyncMode SyncMode
	SyncKey  SyncKey
	DryRun   bool

	Started, Finished time.Time

	Users      int // users read
	Skipped    int // users without a sync key value (not delivered)
	Duplicates int // users whose sync key value was already seen (first one kept)
	// Deprovisioned counts users with saasconnect.StatusDeprovisioned: they
	// hold no seat, so they are left out of the roster (a full load lets
	// Flexera deactivate them; an incremental one sends their removal).
	Deprovisioned int

	// The diff against the previous state.
	Created, Updated, Removed, Unchanged int

	Sent  int             // records in the files (sent, or written in a dry run)
	Files []DeliveredFile // in upload order
	Jobs  []ImportJob     // last known state of each import job

	StatePath    string
	StateWritten bool

	// Notes are changes Deliver made to the request, for the operator, such
	// as NoteSkusForceFull.
	Notes []string
}

// NoteSkusForceFull is the DeliveryReport note of a delivery asked for an
// incremental load whose roster carries skus: Flexera One forces a full load
// for such a roster, so Deliver sends one (the whole roster, with sync mode
// create_and_update) rather than let the API reinterpret an incremental file.
const NoteSkusForceFull = "load type forced to full: the roster carries skus"

// DeliveredFile is one uploaded (or, in a dry run, encoded) file.
type DeliveredFile struct {
	Name       string // the fileName given to Flexera
	SaaSDataID string // from the Location header; "" in a dry run
	Records    int
	Bytes      int    // gzip size
	Checksum   string // lowercase hex MD5 of the gzip bytes
}

// UsersFrom adapts a slice to the sequence Deliver reads.
func UsersFrom(users []saasconnect.User) iter.Seq2[saasconnect.User, error] {
	return func(yield func(saasconnect.User, error) bool) {
		for _, u := range users {
			if !yield(u, nil) {
				return
			}
		}
	}
}

func (r *DeliverRequest) normalize() error {
	var errs []error
	if err := checkOrg(r.Org); err != nil {
		errs = append(errs, err)
	}
	if !appRe.MatchString(r.App) {
		errs = append(errs, fmt.Errorf("flexera: managed app id %q: want lowercase hex digits (the id in the app's Flexera One URL)", r.App))
	}
	var err error
	if r.Load, err = ParseLoadType(string(r.Load)); err != nil {
		errs = append(errs, err)
	}
	if r.SyncMode, err = ParseSyncMode(string(r.SyncMode)); err != nil {
		errs = append(errs, err)
	}
	if r.SyncKey, err = ParseSyncKey(string(r.SyncKey)); err != nil {
		errs = append(errs, err)
	}
	if r.Load == LoadFull && r.SyncMode != SyncCreateAndUpdate {
		errs = append(errs, fmt.Errorf("flexera: sync mode %s needs an incremental load (a full load replaces the whole roster)", r.SyncMode))
	}
	return errors.Join(errs...)
}

// Deliver sends users to the managed app req.App as an ApplicationRoster
// import and waits for the import jobs to finish.
//
// It reads every user (an error from users stops it before anything is
// sent), diffs them by sync key against the state file, encodes the records
// to send (the whole roster for a full load; created, updated and removed
// users as req.SyncMode allows for an incremental one, removals carrying
// deactivatedAt) as gzip JSON Lines files under Config.MaxFileSize, uploads
// each file as a SaaSData, creates import jobs of up to MaxSaaSDataPerJob
// files and polls them. Only when every job completed is the new state
// written (atomically); any failure leaves it unchanged, so the next run
// sends the same changes again.
//
// The returned report is filled as far as the run got. Errors: request
// validation errors, ErrNoCredentials, ErrStateMismatch, ErrEmptyFullLoad,
// ErrTooManyFiles, ErrRecordTooLarge, *APIError, *TokenError,
// *JobFailedError (errors.Is ErrJobFailed).
//
// Deliver may run concurrently for different state files; two runs on the
// same state file must not overlap.
func (c *Client) Deliver(ctx context.Context, req DeliverRequest, users iter.Seq2[saasconnect.User, error]) (rep DeliveryReport, err error) {
	now := c.now().UTC().Truncate(time.Millisecond)
	rep = DeliveryReport{Org: req.Org, App: req.App, Task: TaskApplicationRoster, DryRun: req.DryRun != nil, Started: now, StatePath: req.StatePath}
	defer func() { rep.Finished = c.now().UTC() }()
	if err := req.normalize(); err != nil {
		return rep, err
	}
	rep.Load, rep.SyncMode, rep.SyncKey = req.Load, req.SyncMode, req.SyncKey
	if req.DryRun == nil && c.ts == nil {
		return rep, ErrNoCredentials
	}

	prev := map[string]RosterRecord{}
	stateExists := false
	if req.StatePath != "" {
		st, err := ReadState(req.StatePath)
		if err != nil {
			return rep, err
		}
		if st != nil {
			stateExists = true
			if st.Org != req.Org || st.App != req.App || st.SyncKey != req.SyncKey {
				return rep, fmt.Errorf("flexera: state file %s is for org %s, app %s, sync key %s; this delivery is org %s, app %s, sync key %s: %w",
					req.StatePath, st.Org, st.App, st.SyncKey, req.Org, req.App, req.SyncKey, ErrStateMismatch)
			}
			for _, r := range st.Users {
				prev[r.UniqueID] = r
			}
		}
	}

	cur := map[string]RosterRecord{}
	for u, err := range users {
		if err != nil {
			return rep, fmt.Errorf("flexera: reading users (after %d, nothing sent): %w", rep.Users, err)
		}
		rep.Users++
		if u.Status == saasconnect.StatusDeprovisioned {
			rep.Deprovisioned++
			continue
		}
		rec, err := NewRosterRecord(u, req.SyncKey, now)
		if err != nil {
			rep.Skipped++
			continue
		}
		if _, dup := cur[rec.UniqueID]; dup {
			rep.Duplicates++
			continue
		}
		if p, ok := prev[rec.UniqueID]; ok && p.DeactivatedAt == "" {
			rec.ActivatedAt = p.ActivatedAt // first seen
		}
		cur[rec.UniqueID] = rec
	}
	if req.Load != LoadFull && slices.ContainsFunc(slices.Collect(maps.Values(cur)), func(r RosterRecord) bool { return len(r.Skus) > 0 }) {
		note := NoteSkusForceFull
		if req.SyncMode != SyncCreateAndUpdate {
			note += fmt.Sprintf(" (sync mode %s does not apply to a full load: the whole roster is sent)", req.SyncMode)
		}
		req.Load, req.SyncMode = LoadFull, SyncCreateAndUpdate
		rep.Load, rep.SyncMode = req.Load, req.SyncMode
		rep.Notes = append(rep.Notes, note)
		c.log.LogAttrs(ctx, slog.LevelInfo, "flexera "+note)
	}
	if req.Load == LoadFull && len(cur) == 0 {
		return rep, fmt.Errorf("flexera: %d users read, none deliverable: %w", rep.Users, ErrEmptyFullLoad)
	}

	d := diff(prev, cur, FormatTime(now))
	rep.Created, rep.Updated, rep.Removed, rep.Unchanged = len(d.created), len(d.updated), len(d.removed), d.unchanged

	var send, applied []RosterRecord
	switch {
	case req.Load == LoadFull:
		send = slices.Collect(maps.Values(cur))
		applied = append(slices.Clone(send), d.removed...)
	case req.SyncMode == SyncCreateOnly:
		send = d.created
	case req.SyncMode == SyncUpdateOnly:
		send = append(slices.Clone(d.updated), d.removed...)
	default:
		send = slices.Concat(d.created, d.updated, d.removed)
	}
	if applied == nil {
		applied = send
	}
	slices.SortFunc(send, func(a, b RosterRecord) int { return strings.Compare(a.UniqueID, b.UniqueID) })

	runID := safeFileName(req.RunID)
	if runID == "" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		runID = hex.EncodeToString(b[:])
	}
	fileName := func(i int) string {
		return fmt.Sprintf("saasconnect-roster-%s-%s-%s-%03d.jsonl.gz", truncate(req.App, 40), now.Format("20060102T150405Z"), truncate(runID, 40), i)
	}

	if req.DryRun != nil {
		return rep, c.dryRun(req, &rep, send, fileName)
	}

	if req.StatePath != "" {
		// Fail before uploading anything if the state cannot be written later.
		if err := checkWritableDir(req.StatePath); err != nil {
			return rep, err
		}
	}
	if len(send) > 0 {
		if err := c.upload(ctx, req, &rep, send, fileName); err != nil {
			return rep, err
		}
		if err := c.runJobs(ctx, req, TaskApplicationRoster, &rep); err != nil {
			return rep, err
		}
	}
	if req.StatePath != "" && (len(applied) > 0 || !stateExists) {
		next := maps.Clone(prev)
		for _, r := range applied {
			next[r.UniqueID] = r
		}
		st := &State{Org: req.Org, App: req.App, SyncKey: req.SyncKey, UpdatedAt: now, Users: slices.Collect(maps.Values(next))}
		if err := WriteState(req.StatePath, st); err != nil {
			return rep, err
		}
		rep.StateWritten = true
	}
	return rep, nil
}

type rosterDiff struct {
	created, updated, removed []RosterRecord
	unchanged                 int
}

// diff compares the current roster with the previous snapshot. A user
// whose previous record is deactivated counts as created again.
func diff(prev, cur map[string]RosterRecord, now string) rosterDiff {
	var d rosterDiff
	for id, c := range cur {
		p, ok := prev[id]
		switch {
		case !ok || p.DeactivatedAt != "":
			d.created = append(d.created, c)
		case sameContent(p, c):
			d.unchanged++
		default:
			d.updated = append(d.updated, c)
		}
	}
	for id, p := range prev {
		if _, ok := cur[id]; !ok && p.DeactivatedAt == "" {
			p.DeactivatedAt = now
			d.removed = append(d.removed, p)
		}
	}
	return d
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// fitsOneJob reports whether send encodes into at most MaxSaaSDataPerJob
// files. Small rosters are settled from their uncompressed size (every file
// but the last is closed within one record of the limit); larger ones are
// encoded once without uploading, so a full load that cannot be delivered
// fails before anything is sent.
func (c *Client) fitsOneJob(send []RosterRecord) (bool, error) {
	var raw, longest int64
	for _, r := range send {
		b, err := json.Marshal(r)
		if err != nil {
			return false, err
		}
		raw += int64(len(b)) + 1
		longest = max(longest, int64(len(b))+1)
	}
	if raw < MaxSaaSDataPerJob*(c.cfg.MaxFileSize-2*longest-256) {
		return true, nil
	}
	files := 0
	err := encodeFiles(send, c.cfg.MaxFileSize, func(encodedFile) error { files++; return nil })
	return files <= MaxSaaSDataPerJob, err
}

func (c *Client) upload(ctx context.Context, req DeliverRequest, rep *DeliveryReport, send []RosterRecord, fileName func(int) string) error {
	if req.Load == LoadFull {
		ok, err := c.fitsOneJob(send)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("flexera: roster of %d records: %w (%d files of at most %d bytes); nothing was sent", len(send), ErrTooManyFiles, MaxSaaSDataPerJob, c.cfg.MaxFileSize)
		}
	}
	return c.uploadFiles(ctx, req, rep, func(emit func(encodedFile) error) error {
		return encodeFiles(send, c.cfg.MaxFileSize, emit)
	}, fileName, fmt.Sprintf("roster of %d records", len(send)))
}

// uploadFiles uploads each file encode emits as a SaaSData and records it
// in rep. A full load refuses a file past MaxSaaSDataPerJob.
func (c *Client) uploadFiles(ctx context.Context, req DeliverRequest, rep *DeliveryReport, encode func(func(encodedFile) error) error, fileName func(int) string, what string) error {
	return encode(func(f encodedFile) error {
		if req.Load == LoadFull && f.index > MaxSaaSDataPerJob {
			return fmt.Errorf("flexera: %s: %w (%d files of at most %d bytes); no import job was created", what, ErrTooManyFiles, MaxSaaSDataPerJob, c.cfg.MaxFileSize)
		}
		name := fileName(f.index)
		sum := md5.Sum(f.data)
		df := DeliveredFile{Name: name, Records: f.count, Bytes: len(f.data), Checksum: hex.EncodeToString(sum[:])}
		id, err := c.CreateSaaSData(ctx, req.Org, name)
		if err != nil {
			return err
		}
		df.SaaSDataID = id
		if err := c.UploadSaaSData(ctx, req.Org, id, f.data); err != nil {
			if !errors.Is(err, ErrAlreadyUploaded) {
				return err
			}
			// 423: the SaaSData already holds a file. That is fine only if
			// it is this file (an earlier attempt went through).
			got, gerr := c.GetSaaSData(ctx, req.Org, id)
			if gerr != nil || !strings.EqualFold(got.Checksum, df.Checksum) {
				return fmt.Errorf("flexera: file %s (SaaSData %s) was uploaded before with other content: %w", name, id, err)
			}
		}
		rep.Files = append(rep.Files, df)
		rep.Sent += f.count
		c.log.LogAttrs(ctx, slog.LevelInfo, "flexera file uploaded", slog.String("file", name), slog.String("saasData", id), slog.Int("records", f.count), slog.Int("bytes", len(f.data)))
		return nil
	})
}

func (c *Client) jobRequests(req DeliverRequest, task TaskName, names []string) []ImportJobRequest {
	var jobs []ImportJobRequest
	for batch := range slices.Chunk(names, MaxSaaSDataPerJob) {
		jr := ImportJobRequest{ManagedAppID: req.App, ImportSettings: ImportSettings{TaskName: task, LoadType: req.Load}}
		for _, n := range batch {
			jr.SaaSDataList = append(jr.SaaSDataList, SaaSDataRef{Name: n})
		}
		jobs = append(jobs, jr)
	}
	return jobs
}

func (c *Client) runJobs(ctx context.Context, req DeliverRequest, task TaskName, rep *DeliveryReport) error {
	ids := make([]string, len(rep.Files))
	for i, f := range rep.Files {
		ids[i] = f.SaaSDataID
	}
	for _, jr := range c.jobRequests(req, task, ids) {
		id, err := c.CreateImportJob(ctx, req.Org, jr)
		if err != nil {
			return err
		}
		rep.Jobs = append(rep.Jobs, ImportJob{ID: id, Status: JobReady, ImportSettings: jr.ImportSettings})
	}
	if req.NoWait {
		return nil
	}
	for i := range rep.Jobs {
		j, err := c.WaitImportJob(ctx, req.Org, rep.Jobs[i].ID)
		if j.ID != "" {
			rep.Jobs[i] = j
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) dryRun(req DeliverRequest, rep *DeliveryReport, send []RosterRecord, fileName func(int) string) error {
	w := &errWriter{w: req.DryRun}
	fmt.Fprintf(w, "# flexera dry run: org %s, managed app %s, %s load, %s, sync key %s\n", req.Org, req.App, req.Load, req.SyncMode, req.SyncKey)
	fmt.Fprintf(w, "# %d users read: %d created, %d updated, %d removed, %d unchanged, %d skipped, %d duplicates, %d deprovisioned; nothing is sent\n",
		rep.Users, rep.Created, rep.Updated, rep.Removed, rep.Unchanged, rep.Skipped, rep.Duplicates, rep.Deprovisioned)
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "# %s\n", n)
	}
	return dryRunFiles(c, w, req, rep, TaskApplicationRoster, send, func(r RosterRecord) string { return r.UniqueID }, fileName)
}

// dryRunFiles writes to w the files send encodes into (their records as
// JSON Lines, uncompressed) and the import job bodies of task.
func dryRunFiles[T any](c *Client, w *errWriter, req DeliverRequest, rep *DeliveryReport, task TaskName, send []T, key func(T) string, fileName func(int) string) error {
	var names []string
	err := encodeRecords(send, key, c.cfg.MaxFileSize, func(f encodedFile) error {
		name := fileName(f.index)
		sum := md5.Sum(f.data)
		rep.Files = append(rep.Files, DeliveredFile{Name: name, Records: f.count, Bytes: len(f.data), Checksum: hex.EncodeToString(sum[:])})
		rep.Sent += f.count
		names = append(names, "<SaaSData id of "+name+">")
		fmt.Fprintf(w, "# file %d: %s (%d records): POST %s {\"fileName\":%q}, then PATCH its id with this content, gzip-compressed\n",
			f.index, name, f.count, orgPath(req.Org, "saas-data"), name)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, r := range send[f.first : f.first+f.count] {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return w.err
	})
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fmt.Fprintf(w, "# no changes to send: no file, no import job\n")
	}
	if req.Load == LoadFull && len(names) > MaxSaaSDataPerJob {
		return fmt.Errorf("flexera: dry run: %d records: %w (%d files)", len(send), ErrTooManyFiles, len(names))
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, jr := range c.jobRequests(req, task, names) {
		fmt.Fprintf(w, "# POST %s\n", orgPath(req.Org, "import-jobs"))
		if err := enc.Encode(jr); err != nil && w.err == nil {
			return err
		}
	}
	if w.err != nil {
		return fmt.Errorf("flexera: writing the dry run: %w", w.err)
	}
	return nil
}

// errWriter remembers the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
