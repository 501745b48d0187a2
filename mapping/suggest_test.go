package mapping

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// suggestWant is the mapping a person would choose for each vendor record
// in vendors_test.go: per field the acceptable paths; a field left out must
// get no suggestion. Judgement calls are noted.
var suggestWant = map[string]map[string][]string{
	"okta": {"id": {"id"}, "email": {"profile.email"}, "first_name": {"profile.firstName"}, "last_name": {"profile.lastName"},
		"status": {"status"}, "department": {"profile.department"}, "last_activity": {"lastLogin"},
		"name": {"profile.login"}}, // no display name in the sample; login is the best stand-in
	"okta-never": {"id": {"id"}, "email": {"profile.email"}, "first_name": {"profile.firstName"}, "last_name": {"profile.lastName"},
		"status": {"status"}, "department": {"profile.department"}, "last_activity": {"lastLogin"}, // null in this sample
		"name": {"profile.login"}},
	"graph": {"id": {"id"}, "email": {"mail"}, "name": {"displayName"}, "first_name": {"givenName"}, "last_name": {"surname"},
		"status": {"accountEnabled"}, "department": {"department"}, "title": {"jobTitle"},
		"last_activity": {"signInActivity.lastSignInDateTime"}},
	"graph-never": {"id": {"id"}, "email": {"userPrincipalName"}, "name": {"displayName"}, "status": {"accountEnabled"},
		"last_activity": {"signInActivity.lastSignInDateTime"}},
	"figma": {"id": {"id"}, "email": {"emails[0].value", "userName"}, "name": {"displayName"}, "first_name": {"name.givenName"},
		"last_name": {"name.familyName"}, "status": {"active"}, "role": {"roles[0].value"}, "title": {"title"},
		"department": {`["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].department`}},
	"scim-array": {"id": {"id"}, "email": {"emails[0].value"}, "first_name": {"name.givenName"}, "last_name": {"name.familyName"},
		"status": {"active"}, "name": {"userName"}},
	"practitest": {"id": {"id"}, "email": {"attributes.email"}, "name": {"attributes.display-name"},
		"first_name": {"attributes.first-name"}, "last_name": {"attributes.last-name"}},
	"workfront": {"id": {"ID"}, "email": {"emailAddr"}, "name": {"name"}, "first_name": {"firstName"}, "status": {"isActive"},
		"title": {"title"}, "role": {"roleID", "accessLevelID"}, "last_activity": {"lastLoginDate"}},
	"namely": {"id": {"id"}, "email": {"email"}, "first_name": {"first_name"}, "last_name": {"last_name"}, "status": {"user_status"},
		"title": {"job_title.title"}, "name": {"preferred_name"}}, // empty preferred name: acceptable, mapping derives Name from first/last
	"copilot":      {"id": {"assignee.id"}, "name": {"assignee.login"}, "last_activity": {"last_activity_at"}},
	"copilot-null": {"id": {"assignee.id"}, "name": {"assignee.login"}, "last_activity": {"last_activity_at"}},
	"cyberark": {"id": {"Row.ID"}, "email": {"Row.Email"}, "name": {"Row.DisplayName"}, "status": {"Row.Status"},
		"last_activity": {"Row.LastLogin"}},
	"smartsheet": {"id": {"id"}, "email": {"email"}, "name": {"name"}, "first_name": {"firstName"}, "last_name": {"lastName"},
		"status": {"status"}, "last_activity": {"lastLogin"}},
	"webex": {"id": {"id"}, "email": {"emails[0]"}, "name": {"displayName"}, "first_name": {"firstName"}, "last_name": {"lastName"},
		"role": {"roles[0]"}, "department": {"department"}, "title": {"title"}, "last_activity": {"lastActivity"},
		"status": {"loginEnabled"}}, // Webex "status" is presence, not the account status
	"bugsnag": {"id": {"id"}, "email": {"email"}, "name": {"name"}, "last_activity": {"last_request_at"}},
	"domo":    {"id": {"id"}, "email": {"email"}, "name": {"name"}, "role": {"role"}, "title": {"title"}},
	"autodesk": {"id": {"id"}, "email": {"email"}, "name": {"name"}, "first_name": {"first_name"}, "last_name": {"last_name"},
		"role": {"role"}, "status": {"status"}, "title": {"job_title"}, "last_activity": {"last_sign_in"}},
	"oracle": {"id": {"UserId", "GUID"}, "name": {"Username"}, "status": {"SuspendedFlag"}},
	"lucid":  {"id": {"userId"}, "email": {"email"}, "name": {"name"}, "role": {"roles[0]"}},
	"apptio": {"id": {"id"}, "email": {"email"}, "name": {"full"}, "status": {"active", "accountStatus"},
		"role": {"persona.enumValue"}},
}

func TestSuggestVendors(t *testing.T) {
	t.Parallel()
	fields := append(SystemFields(), "last_activity")
	right, total := 0, 0
	names := make([]string, 0, len(suggestWant))
	for name := range suggestWant {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		want := suggestWant[name]
		rec := record(t, name)
		got := map[string]Suggestion{}
		for _, s := range Suggest(rec) {
			got[s.Field] = s
			// Every suggested path compiles to a simple path and reads a value.
			p, err := jsonpath.Compile(s.Path)
			if err != nil || !p.Simple() {
				t.Errorf("%s: %s path %q: simple=%v err=%v", name, s.Field, s.Path, err == nil && p.Simple(), err)
				continue
			}
			if _, ok := p.Get(rec); !ok {
				t.Errorf("%s: %s path %q reads nothing", name, s.Field, s.Path)
			}
			if s.Confidence < SuggestThreshold || s.Confidence > 1 {
				t.Errorf("%s: %s confidence %v", name, s.Field, s.Confidence)
			}
		}
		var wrong []string
		for _, f := range fields {
			total++
			s, suggested := got[f]
			ok := (!suggested && want[f] == nil) || (suggested && slices.Contains(want[f], s.Path))
			if ok {
				right++
				continue
			}
			switch {
			case !suggested:
				wrong = append(wrong, fmt.Sprintf("%s: none, want %v", f, want[f]))
			default:
				wrong = append(wrong, fmt.Sprintf("%s: %s (%.2f), want %v", f, s.Path, s.Confidence, want[f]))
			}
		}
		if len(wrong) > 0 {
			t.Logf("%s: %s", name, strings.Join(wrong, "; "))
		}
	}
	score := float64(right) / float64(total)
	t.Logf("Suggest score: %d of %d field decisions right (%.1f%%) over %d vendor records", right, total, 100*score, len(names))
	if score < 0.9 {
		t.Errorf("Suggest score %.3f below the 0.90 floor", score)
	}
}

func TestSuggestEdgeCases(t *testing.T) {
	t.Parallel()
	if got := Suggest(nil); got != nil {
		t.Errorf("Suggest(nil) = %v", got)
	}
	if got := Suggest("x"); got != nil {
		t.Errorf("Suggest(scalar) = %v", got)
	}
	got := Suggest(decodeJSON(t, `{"@odata.id":"x","user.email":"a@b.co","lastSeen":"2024-01-01T00:00:00Z",
		"long":"`+strings.Repeat("é", 40)+`","emails":[]}`))
	want := []Suggestion{
		{Field: "email", Path: `["user.email"]`, Confidence: 0.6, Sample: "a@b.co"},
		{Field: "last_activity", Path: "lastSeen", Confidence: 0.9, Sample: "2024-01-01T00:00:00Z"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Suggest = %+v\nwant %+v", got, want)
	}
	if s := sampleText(strings.Repeat("é", 40)); len(s) > 60 || !strings.HasSuffix(s, "...") {
		t.Errorf("sampleText = %q", s)
	}
	if s := sampleText(true); s != "true" {
		t.Errorf("sampleText(true) = %q", s)
	}
}
