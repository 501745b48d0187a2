package connector

// This file holds stand-ins for types owned by packages that have not landed
// yet (activity, paginate, filter). Each will become the package's own type;
// field names and JSON tags match /work/contracts.md so code using them keeps
// compiling. Delete this file once the packages land.

import (
	"errors"
	"time"
)

// ActivitySummary summarises users' activity (becomes activity.Summary).
type ActivitySummary struct {
	Active, Inactive, Never, Unknown int
	Oldest, Newest                   time.Time
}

// PaginationConfig is the template's pagination block (becomes paginate.Config).
type PaginationConfig struct {
	Type           string `json:"type"`
	In             string `json:"in,omitempty"`
	OffsetField    string `json:"offset_field,omitempty"`
	LimitField     string `json:"limit_field,omitempty"`
	PageField      string `json:"page_field,omitempty"`
	PageSizeField  string `json:"page_size_field,omitempty"`
	CursorField    string `json:"cursor_field,omitempty"`
	CursorPath     string `json:"cursor_path,omitempty"`
	NextURLPath    string `json:"next_url_path,omitempty"`
	TotalPath      string `json:"total_path,omitempty"`
	TotalPagesPath string `json:"total_pages_path,omitempty"`
	HasMorePath    string `json:"has_more_path,omitempty"`
	PageSize       int    `json:"page_size,omitempty"`
	Start          *int   `json:"start,omitempty"`
	MaxPages       int    `json:"max_pages,omitempty"`
}

// FilterCondition is one template filter (becomes filter.Condition).
type FilterCondition struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    any    `json:"value,omitempty"`
}

var (
	errCursorLoopTmp   = errors.New("paginate: cursor loop")
	errTooManyPagesTmp = errors.New("paginate: too many pages")
)
