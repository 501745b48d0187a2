package connector

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saasconnect/saasconnect/paginate"
)

// TestFallbackFields: response.fallback_fields fills a field whose primary
// path has no value (null, absent, empty) from the alternatives, in order.
func TestFallbackFields(t *testing.T) {
	f := newFakeVendor(t, 4, paginate.PageNumber, AuthNone)
	for i, rec := range f.records {
		rec["upn"] = fmt.Sprintf("upn%d@tenant.example", i+1)
		switch i {
		case 0: // mail present: it wins
			rec["mail"] = rec["email"]
		case 1:
			rec["mail"] = nil
		case 2:
			rec["mail"] = ""
			delete(rec, "upn")
		case 3: // no mail key at all
		}
	}
	srv := f.server()
	tmpl := f.template(srv.URL)
	tmpl.Response.Fields["email"] = "mail"
	tmpl.Response.FallbackFields = map[string][]string{"email": {"upn", "email"}}
	c, err := New(tmpl, "fb", nil)
	require.NoError(t, err)
	users, rep, err := collect(t, c, t.Context())
	require.NoError(t, err)
	assert.Equal(t, Succeeded, rep.Status)
	var emails []string
	for _, u := range users {
		emails = append(emails, u.Email)
	}
	assert.Equal(t, []string{"user1@example.com", "upn2@tenant.example", "user3@example.com", "upn4@tenant.example"}, emails)
}

func TestParseFallbackFields(t *testing.T) {
	data := `{"version": 1, "request": {"users_url": "https://api.example.com/users"},
		"response": {"fields": {"id": "id", "email": "mail"}, "fallback_fields": {"email": ["userPrincipalName", "otherMails[0]"]}}}`
	tmpl, err := ParseTemplate([]byte(data))
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{"email": {"userPrincipalName", "otherMails[0]"}}, tmpl.Response.FallbackFields)
	require.NoError(t, tmpl.Validate())

	// A single path where a list is wanted is located (encoding/json names
	// the map, the byte offset the key).
	_, err = ParseTemplate([]byte(`{"version": 1, "response": {"fallback_fields": {"email": "userPrincipalName"}}}`))
	require.Error(t, err)
	assert.Equal(t, []string{"response.fallback_fields"}, errorPaths(err), "%v", err)
	assert.ErrorContains(t, err, "cannot use JSON string as []string (byte offset")
}
