package connector

import (
	"fmt"
	"maps"

	"github.com/saasconnect/saasconnect"
)

// Merge returns the Report of a run walked in segments, r being the
// earlier segment and next the one that continued it from r.Checkpoint
// (with [Connector.RunFrom]). Requests, Retries, Pages, Seen, Kept,
// Filtered and Statuses add up, RecordErrors are appended (up to the cap a
// single run has), the activity summaries merge; Started is r's, Finished,
// Walked and Checkpoint are next's. The Status is the run's as a whole:
// Cancelled when next was cancelled; Succeeded or, with record errors in
// any segment, Partial when next walked the listing to its end; otherwise
// Partial when any user was delivered and Failed when none was. Err is
// next's error, or a count of the unmapped records.
//
// r and next are not modified. Merge a zero Report with the first segment
// to start (the zero Report counts nothing).
func (r Report) Merge(next Report) Report {
	out := next
	if r.Connector != "" {
		out.Connector = r.Connector
	}
	if !r.Started.IsZero() {
		out.Started = r.Started
	}
	out.Requests += r.Requests
	out.Retries += r.Retries
	out.Pages += r.Pages
	out.Seen += r.Seen
	out.Kept += r.Kept
	out.Filtered += r.Filtered
	out.Enriched += r.Enriched
	out.EnrichConcurrency = max(out.EnrichConcurrency, r.EnrichConcurrency)
	out.RecordErrors = append(append([]error{}, r.RecordErrors...), next.RecordErrors...)
	if len(out.RecordErrors) > maxRecordErrors {
		n := len(out.RecordErrors) - maxRecordErrors
		out.RecordErrors = append(out.RecordErrors[:maxRecordErrors:maxRecordErrors], fmt.Errorf("and %d more records could not be mapped", n))
	}
	if len(out.RecordErrors) == 0 {
		out.RecordErrors = nil
	}
	out.Activity = r.Activity
	out.Activity.Merge(next.Activity)
	if len(r.Statuses)+len(next.Statuses) > 0 {
		out.Statuses = maps.Clone(r.Statuses)
		if out.Statuses == nil {
			out.Statuses = map[saasconnect.Status]int{}
		}
		for k, v := range next.Statuses {
			out.Statuses[k] += v
		}
	}
	switch {
	case next.Status == Cancelled:
	case next.Walked && len(out.RecordErrors) == 0:
		out.Status, out.Err = Succeeded, ""
	case next.Walked:
		out.Status = Partial
		out.Err = fmt.Sprintf("connector %q: %d of %d records could not be mapped (see RecordErrors)", out.Connector, out.Seen-out.Kept-out.Filtered, out.Seen)
	case out.Kept > 0 || len(out.RecordErrors) > 0:
		out.Status = Partial
	default:
		out.Status = Failed
	}
	return out
}
