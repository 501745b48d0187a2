package connector

import (
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/activity"
)

// RunStatus is the outcome of a [Connector.Run].
type RunStatus string

// The outcomes of a run. Only Succeeded means every page was fetched and every
// record was mapped; Run returns a non-nil error for every other status.
const (
	// Succeeded: the whole listing was walked and every record was mapped.
	Succeeded RunStatus = "succeeded"
	// Failed: the run stopped before delivering any user.
	Failed RunStatus = "failed"
	// Partial: some users were delivered before the run stopped, or some
	// records could not be mapped (see Report.RecordErrors).
	Partial RunStatus = "partial"
	// Cancelled: the caller's context ended the run.
	Cancelled RunStatus = "cancelled"
)

// Report is the execution log of one [Connector.Run]. It holds counts, never
// users, and no secrets: Err is redacted.
type Report struct {
	// Connector is the connector instance name given to New.
	Connector string
	// Resource is the listing the report covers: ResourceUsers for Run,
	// each declared resource for RunAll. Its records are counted in Seen,
	// Kept and Filtered.
	Resource Resource
	// Started and Finished are read from the connector's clock (WithClock).
	Started, Finished time.Time
	Status            RunStatus
	// Walked reports whether the whole listing was walked: every page was
	// fetched and the run was neither stopped nor cancelled. It is true for
	// every Succeeded run, and for a Partial run whose only problem is
	// records that could not be mapped (RecordErrors): its users are every
	// user the vendor listed that could be mapped. A caller that replaces a
	// previous result (an output file) should do so only when Walked is true.
	Walked bool
	// Requests counts every HTTP request sent, token and login requests and
	// retries included. Retries counts every failed attempt that was retried.
	// Pages counts every page of records received.
	Requests, Retries, Pages int
	// Seen counts the records received, Kept those that passed the filters
	// and were mapped, Filtered those the filters dropped.
	Seen, Kept, Filtered int
	// Enriched counts the records that an enrich entry added fields to;
	// their sub-requests are counted in Requests. EnrichConcurrency is the
	// most enrichment requests that were in flight at once (each entry is
	// bounded by its concurrency).
	Enriched, EnrichConcurrency int
	// RecordErrors holds one error per record that could not be mapped, each
	// reading "page P, record R: ..." (1-based page, 0-based record index).
	RecordErrors []error
	// Activity summarises the kept users' activity.
	Activity activity.Summary
	// Statuses counts the kept users by account status (Statuses["pending"]
	// is the number of invited users who have not accepted yet); nil when
	// no kept user has a status (the template maps none).
	Statuses map[saasconnect.Status]int
	// Err is the run's error message, redacted; empty when Status is Succeeded.
	Err string
	// Checkpoint is the position after the last page whose users were all
	// delivered (Done when the whole listing was walked): give it to
	// RunFrom to continue the run in a later segment.
	Checkpoint Checkpoint
}

// Progress is passed to the WithProgress callback after each page. It is a
// snapshot: the callback may keep it.
type Progress struct {
	// Connector is the connector instance name.
	Connector string
	// Resource is the listing being walked (ResourceUsers for Users and
	// Run).
	Resource Resource
	// Pages counts pages of records received so far.
	Pages int
	// Seen counts records received; Records counts records delivered;
	// Users is Records for the users listing, 0 for the others.
	Seen, Users, Records int
	// Requests counts HTTP requests sent (token and login requests and
	// retries included); Retries counts failed attempts that were retried.
	Requests, Retries int
	// RateLimitWaits counts requests that had to wait for the template's
	// rate_limit, and RateLimitWait is the total time spent waiting.
	RateLimitWaits int
	RateLimitWait  time.Duration
	// RetryWait is the total time spent in backoff or Retry-After waits.
	RetryWait time.Duration
}
