// Package fvtemplate builds the connector template that reads a
// [fakevendor.Server]. It is separate from fakevendor so that the connector
// package's own tests can use the fake server (which must not import
// connector) while everyone else gets the template from here.
package fvtemplate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/internal/fakevendor"
	"github.com/saasconnect/saasconnect/paginate"
)

// JSON returns Template(s) as JSON, keys sorted and indented.
func JSON(s *fakevendor.Server) []byte {
	data, err := json.Marshal(Template(s))
	if err != nil {
		panic(fmt.Sprintf("connectortest: fake vendor template: %v", err))
	}
	// Sort the keys (the form the template has always been printed in):
	// decode into plain maps, keeping numbers exact, and encode again.
	var doc any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		panic(fmt.Sprintf("connectortest: fake vendor template: %v", err))
	}
	if data, err = json.MarshalIndent(doc, "", "  "); err != nil {
		panic(fmt.Sprintf("connectortest: fake vendor template: %v", err))
	}
	return data
}

// Template returns a template that reads s: fields id, email,
// name, first_name, last_name, status, role, department, title and the extra
// "seat"; the filter type == "User"; activity from last_activity_at,
// application "Fake App". The caller owns the result.
func Template(s *fakevendor.Server) connector.Template {
	c := s.Config()
	t := connector.Template{
		Version: 1, Slug: "fake-vendor", Name: "Fake Vendor", Vendor: "connectortest",
		Support: "full", DocsURL: "https://pkg.go.dev/github.com/saasconnect/saasconnect/connector/connectortest",
		Declared: []connector.Setting{{Name: "base_url", Default: "http://127.0.0.1:9/api/v1"}},
		Request:  connector.RequestSpec{UsersURL: "{base_url}/users"},
		Response: connector.ResponseSpec{
			RecordsPath: "data",
			Fields: map[string]string{
				"id": "id", "email": "email", "name": "profile.display_name",
				"first_name": "profile.first_name", "last_name": "profile.last_name",
				"status": "status", "role": "role", "department": "profile.department",
				"title": "profile.title", "seat": "seat",
			},
			StatusValues: map[string]string{"ACTIVE": "active", "SUSPENDED": "suspended", "DEPROVISIONED": "deprovisioned"},
		},
		Filters:  []filter.Condition{{Field: "type", Operator: filter.Equal, Value: "User"}},
		Activity: connector.ActivitySpec{Type: "user", LastActivityField: "last_activity_at", Application: "Fake App"},
	}
	switch c.Auth {
	case fakevendor.AuthAPIKey:
		t.Auth = connector.AuthSpec{Method: connector.AuthAPIKey, TokenType: "Bearer"}
	case fakevendor.AuthBasic:
		t.Auth = connector.AuthSpec{Method: connector.AuthBasic}
	case fakevendor.AuthOAuth2:
		t.Auth = connector.AuthSpec{Method: connector.AuthOAuth2, GrantType: "client_credentials", TokenURL: "{token_url}", ClientAuth: "header"}
		t.Declared = append(t.Declared, connector.Setting{Name: "token_url", Default: "http://127.0.0.1:9/oauth/token"})
	case fakevendor.AuthSession:
		t.Auth = connector.AuthSpec{Method: connector.AuthSession, LoginURL: "{login_url}", LoginFormat: "json",
			LoginBody: map[string]any{"username": "{username}", "password": "{password}"},
			TokenPath: "session.token", Header: "X-Session-Token"}
		t.Declared = append(t.Declared, connector.Setting{Name: "login_url", Default: "http://127.0.0.1:9/auth/login"})
	default:
		t.Auth = connector.AuthSpec{Method: connector.AuthNone}
	}
	p := paginate.Config{Type: paginate.Type(c.Pagination), PageSize: c.PageSize}
	switch c.Pagination {
	case fakevendor.PaginateNone:
		p = paginate.Config{Type: paginate.None}
	case fakevendor.PaginateOffset:
		p.OffsetField, p.LimitField = "offset", "limit"
	case fakevendor.PaginatePage:
		p.PageField, p.PageSizeField = "page", "per_page"
	case fakevendor.PaginateCursor:
		p.CursorField, p.CursorPath, p.LimitField = "cursor", "meta.next_cursor", "limit"
	case fakevendor.PaginateLastID:
		p.Type = paginate.CursorLimit
		p.CursorField, p.CursorPath, p.LimitField = "after", "$last.id", "limit"
	case fakevendor.PaginateLinkHeader, fakevendor.PaginateNextURL:
		p.PageSize = 0 // the limit goes in the query; the next URL keeps it
		t.Request.Query = connector.QueryValues{"limit": {strconv.Itoa(c.PageSize)}}
		if c.Pagination == fakevendor.PaginateNextURL {
			p.NextURLPath = `["@odata.nextLink"]`
		}
	}
	if c.ReportTotal && (c.Pagination == fakevendor.PaginateOffset || c.Pagination == fakevendor.PaginatePage) {
		p.TotalPath = "total"
	}
	if c.Pagination != fakevendor.PaginateNone {
		p.MaxPages = c.Users/max(1, c.PageSize) + 10
	}
	t.Pagination = p
	return t
}
