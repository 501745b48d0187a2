package saasconnect

import "time"

// License is one license, SKU, plan or seat type of a vendor tenant, as
// listed by a connector's licenses listing.
//
// Total and Assigned are nil when the vendor does not report them, which
// tells an unknown count from zero. A License is a plain value; Extra is
// shared between copies. JSON field names are snake_case.
type License struct {
	// ID is the vendor's identifier of the license (an SKU id, a plan id).
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	// Product is the product or service the license belongs to.
	Product string `json:"product,omitempty"`
	// Total is the number of seats purchased; Assigned the number assigned
	// or consumed. nil means the vendor does not say.
	Total    *int `json:"total,omitempty"`
	Assigned *int `json:"assigned,omitempty"`
	// Connector is the name of the connector instance that found it.
	Connector string `json:"connector,omitempty"`
	// Extra holds mapped fields that are not License fields, by template key.
	Extra map[string]any `json:"extra,omitempty"`
}

// Application is one application integrated with an identity provider
// (an SSO application), as listed by a connector's applications listing.
//
// A zero Created or LastUsed means the vendor does not report it; a nil
// AssignedUsers means the vendor does not count assignments. An
// Application is a plain value; Extra is shared between copies.
type Application struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	// Label is the display name shown to users, when the vendor tells it
	// apart from Name.
	Label string `json:"label,omitempty"`
	// Status is the vendor's status of the application ("ACTIVE"), or the
	// value the template's status_values maps it to.
	Status string `json:"status,omitempty"`
	// SignOnMode is how users sign in ("SAML_2_0", "OPENID_CONNECT").
	SignOnMode string `json:"sign_on_mode,omitempty"`
	// Created and LastUsed are in UTC.
	Created  time.Time `json:"created,omitzero"`
	LastUsed time.Time `json:"last_used,omitzero"`
	// AssignedUsers counts the users assigned to the application.
	AssignedUsers *int `json:"assigned_users,omitempty"`
	// Connector is the name of the connector instance that found it.
	Connector string `json:"connector,omitempty"`
	// Extra holds mapped fields that are not Application fields.
	Extra map[string]any `json:"extra,omitempty"`
}

// The kinds of Assignment.
const (
	AssignmentLicense     = "license"
	AssignmentApplication = "application"
)

// Assignment links a user to a license or an application: one row of a
// connector's assignments listing. Kind is AssignmentLicense or
// AssignmentApplication; TargetID is the License.ID or Application.ID;
// the user is named by UserID, UserEmail or both, as the vendor lists it.
// LastUsed is the user's last use of the target in UTC, zero when the
// vendor does not report it.
type Assignment struct {
	Kind      string    `json:"kind,omitempty"`
	TargetID  string    `json:"target_id,omitempty"`
	UserID    string    `json:"user_id,omitempty"`
	UserEmail string    `json:"user_email,omitempty"`
	LastUsed  time.Time `json:"last_used,omitzero"`
	Connector string    `json:"connector,omitempty"`
}
