package saasconnect

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// User is one person holding a seat in a SaaS application, as discovered by a
// connector. It is the common shape every vendor record is mapped onto.
//
// A User is a plain value: copying it is cheap except for Extra and Raw,
// which are shared between copies. JSON field names are snake_case.
type User struct {
	ID        string `json:"id,omitempty"`
	Email     string `json:"email,omitempty"`
	Name      string `json:"name,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`

	// Status is the account status reported by the vendor.
	Status Status `json:"status,omitempty"`

	Role       string `json:"role,omitempty"`
	Department string `json:"department,omitempty"`
	Title      string `json:"title,omitempty"`

	// LastActivity is the user's last activity in UTC. The zero time means
	// the user was never active or the vendor does not report activity;
	// Activity tells which.
	LastActivity time.Time `json:"last_activity,omitzero"`
	// Activity classifies LastActivity (filled by package activity).
	Activity ActivityState `json:"activity,omitempty"`
	// Application is the application the activity belongs to.
	Application string `json:"application,omitempty"`
	// Connector is the name of the connector instance that found the user.
	Connector string `json:"connector,omitempty"`

	// Extra holds mapped fields that are not system fields, by template key.
	Extra map[string]any `json:"extra,omitempty"`
	// Raw is the vendor record, verbatim. It is only kept when the
	// connector is asked to (connector.WithRawRecords).
	Raw json.RawMessage `json:"raw,omitempty"`
}

// Key returns the identity used to match the same person across runs and
// instances: the lower-cased email, or "id:" followed by the ID when the user
// has no email.
func (u User) Key() string {
	if u.Email != "" {
		return strings.ToLower(u.Email)
	}
	return "id:" + u.ID
}

// Status is a user's account status, normalised across vendors.
type Status string

// The account statuses a vendor value can be mapped to. StatusPending is an
// account that was invited but has not accepted yet (Zoom "pending", Slack
// and Atlassian invitations): it holds a seat without ever having been used.
const (
	StatusActive        Status = "active"
	StatusPending       Status = "pending"
	StatusInactive      Status = "inactive"
	StatusSuspended     Status = "suspended"
	StatusDeprovisioned Status = "deprovisioned"
	StatusUnknown       Status = "unknown"
)

// Statuses lists every valid Status, in declaration order.
func Statuses() []Status {
	return []Status{StatusActive, StatusPending, StatusInactive, StatusSuspended, StatusDeprovisioned, StatusUnknown}
}

// ParseStatus returns the Status named s (case-insensitive), or an error
// naming the valid values.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses() {
		if strings.EqualFold(s, string(st)) {
			return st, nil
		}
	}
	return "", fmt.Errorf("saasconnect: unknown status %q (want one of active, pending, inactive, suspended, deprovisioned, unknown)", s)
}

// ActivityState classifies how recently a user was active.
type ActivityState string

// The activity states. ActivityNever means the vendor reports activity but
// this user has none; ActivityUnknown means the vendor reports no activity.
const (
	ActivityActive   ActivityState = "active"
	ActivityInactive ActivityState = "inactive"
	ActivityNever    ActivityState = "never"
	ActivityUnknown  ActivityState = "unknown"
)

// ActivityStates lists every valid ActivityState, in declaration order.
func ActivityStates() []ActivityState {
	return []ActivityState{ActivityActive, ActivityInactive, ActivityNever, ActivityUnknown}
}
