package main

import (
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/paginate"
)

// acmeChat is the Acme Chat template. It is the same data a JSON template
// file holds (connector.ParseTemplate would produce it from one), written in
// Go so the compiler checks the field names and a program needs no file.
var acmeChat = connector.Template{
	Version: connector.TemplateVersion,
	Slug:    "acme-chat",
	Name:    "Acme Chat",
	Vendor:  "Acme",
	Support: "full",
	DocsURL: "https://developer.acme-chat.example/v2/members",

	// The settings a user supplies. api_key is implied by the auth method
	// (and marked secret); every URL comes from a setting with a default, so
	// tests and self-hosted deployments can point it elsewhere.
	Declared: []connector.Setting{
		{Name: "workspace", Required: true, Description: "workspace ID, e.g. W0123"},
		{Name: "base_url", Default: "https://api.acme-chat.example", Description: "Acme Chat API root"},
	},

	// The key goes raw (no "Bearer ") in the vendor's own header.
	Auth: connector.AuthSpec{Method: connector.AuthAPIKey, Header: "X-Acme-Key"},

	// {base_url} starts the URL and is inserted verbatim; {workspace} sits in
	// the path and is path-escaped.
	Request: connector.RequestSpec{
		UsersURL: "{base_url}/v2/workspaces/{workspace}/members",
		Headers:  map[string]string{"Accept": "application/json"},
	},

	// ?limit=2&cursor=<meta.next_cursor of the previous page>; the walk ends
	// when a page has no next cursor. (2 is tiny, to show paging on a few
	// users; a real template asks for the vendor's largest page.)
	Pagination: paginate.Config{
		Type:        paginate.CursorLimit,
		CursorField: "cursor",
		CursorPath:  "meta.next_cursor",
		LimitField:  "limit",
		PageSize:    2,
	},

	Response: connector.ResponseSpec{
		RecordsPath: "members",
		Fields: map[string]string{
			"id":    "id",
			"email": "profile.email",
			"name":  "profile.display_name",
			"role":  "role",
			// status: the vendor's state, translated by StatusValues.
			"status": "state",
			// Not a User field: it lands in User.Extra["plan"].
			"plan": "billing.plan",
		},
		StatusValues: map[string]string{
			"enabled":  "active",
			"invited":  "inactive",
			"disabled": "suspended",
		},
		// last_seen_at is epoch seconds (null = never signed in).
		TimeFormat: "unix",
	},

	// Keep people, drop bots (all filters must hold).
	Filters: []filter.Condition{
		{Field: "kind", Operator: filter.NotEqual, Value: "bot"},
	},

	Activity: connector.ActivitySpec{
		Type:              "user",
		LastActivityField: "last_seen_at",
		InactiveAfter:     "90d",
	},
}
