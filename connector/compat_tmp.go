package connector

// This file holds stand-ins for types owned by packages that have not landed
// yet (activity, filter). Each will become the package's own type;
// field names and JSON tags match /work/contracts.md so code using them keeps
// compiling. Delete this file once the packages land.

import (
	"time"
)

// ActivitySummary summarises users' activity (becomes activity.Summary).
type ActivitySummary struct {
	Active, Inactive, Never, Unknown int
	Oldest, Newest                   time.Time
}

// FilterCondition is one template filter (becomes filter.Condition).
type FilterCondition struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    any    `json:"value,omitempty"`
}
