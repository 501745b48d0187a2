package vendors

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/saasconnect/saasconnect/connector"
)

// designSlugs is the list of prebuilt vendors the package must ship, sorted.
var designSlugs = []string{
	"1password-scim",   // SCIM at the customer's own bridge
	"active-directory", // a directory (LDAP) source
	"adobe-umapi",
	"adobe-workfront",
	"apptio",
	"asana",
	"autodesk",
	"box",
	"bugsnag",
	"calendly",
	"cloudflare",
	"cyberark-identity",
	"datadog",
	"domo",
	"dropbox",
	"figma",
	"freshdesk",
	"github",
	"github-copilot",
	"gitlab",
	"google-workspace",
	"hubspot",
	"intercom",
	"jira-cloud",
	"linear",
	"lucidchart",
	"microsoft-entra",
	"miro-scim",
	"monday",
	"namely",
	"notion-scim",
	"okta",
	"openldap", // a directory (LDAP) source
	"oracle-fusion",
	"pagerduty",
	"practitest",
	"salesforce",
	"scim", // generic SCIM 2.0: the customer's own base_url
	"sentry",
	"servicenow",
	"slack",
	"smartsheet",
	"webex",
	"zendesk",
	"zoom",
}

// partialSlugs are the vendors whose templates rest on facts known only from
// community code or assumptions (see the README's vendor table); their
// templates must say "partial", not "full".
var partialSlugs = []string{"1password-scim", "apptio", "bugsnag", "cyberark-identity", "linear", "lucidchart", "miro-scim", "monday", "notion-scim", "zoom"}

// ownBaseURL are the vendors whose API runs at an address only the customer
// knows (a generic SCIM server, a self-hosted bridge): their base_url is a
// required setting without a default.
var ownBaseURL = []string{"1password-scim", "scim"}

func TestSlugsMatchDesign(t *testing.T) {
	var got []string
	for _, tmpl := range List() {
		got = append(got, tmpl.Slug)
	}
	if !slices.Equal(got, designSlugs) {
		t.Errorf("List() slugs:\n got  %q\n want %q", got, designSlugs)
	}
}

// TestTemplateFiles checks every embedded file on its own: it parses, it
// validates, and it carries what every prebuilt template must carry (see
// checkTemplate).
func TestTemplateFiles(t *testing.T) {
	names, err := fs.Glob(files, "templates/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no embedded templates")
	}
	for _, name := range names {
		slug := strings.TrimSuffix(path.Base(name), ".json")
		t.Run(slug, func(t *testing.T) {
			data, err := files.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			tmpl, err := connector.ParseTemplate(data)
			if err != nil {
				t.Fatalf("ParseTemplate: %v", err)
			}
			if err := tmpl.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			checkTemplate(t, slug, tmpl)
		})
	}
}

func checkTemplate(t *testing.T, slug string, tmpl connector.Template) {
	t.Helper()
	if tmpl.Slug != slug {
		t.Errorf("slug %q, want the file name %q", tmpl.Slug, slug)
	}
	if tmpl.Name == "" || tmpl.Vendor == "" {
		t.Errorf("name %q, vendor %q: both are required", tmpl.Name, tmpl.Vendor)
	}
	switch tmpl.Support {
	case "full", "partial":
	default:
		t.Errorf("support %q, want full or partial", tmpl.Support)
	}
	if slices.Contains(partialSlugs, slug) && tmpl.Support != "partial" {
		t.Errorf("support %q, want partial: part of this template is unconfirmed", tmpl.Support)
	}
	if u, err := url.Parse(tmpl.DocsURL); err != nil || u.Scheme != "https" || u.Host == "" {
		t.Errorf("docs_url %q is not an https URL", tmpl.DocsURL)
	}
	// The description says what the template covers and, for a partial
	// one, what is unconfirmed.
	switch {
	case strings.TrimSpace(tmpl.Description) == "":
		t.Errorf("no description")
	case tmpl.Support == "partial" && !strings.Contains(tmpl.Description, "Partial:"):
		t.Errorf("description of a partial template does not say what is partial (\"Partial: ...\"): %q", tmpl.Description)
	}

	settings := map[string]connector.Setting{}
	for _, s := range tmpl.Settings() {
		settings[s.Name] = s
	}
	needDefault := func(name string) {
		t.Helper()
		s, ok := settings[name]
		switch {
		case !ok:
			t.Errorf("no %s setting", name)
		case s.Default == "":
			t.Errorf("setting %s has no default", name)
		case !strings.HasPrefix(s.Default, "https://") && !strings.HasPrefix(s.Default, "{"):
			t.Errorf("setting %s default %q is neither an https URL nor built from another setting", name, s.Default)
		}
	}
	if tmpl.Source == connector.SourceLDAP {
		return // no base_url: host and port settings (ldap_fixtures_test.go)
	}
	if s := settings["base_url"]; s.Required && s.Default == "" && slices.Contains(ownBaseURL, slug) {
		// The service runs at the customer's own address: nothing to default to.
	} else {
		needDefault("base_url")
	}
	if !strings.HasPrefix(tmpl.Request.UsersURL, "{base_url}") {
		t.Errorf("request.users_url %q does not start with {base_url}", tmpl.Request.UsersURL)
	}
	switch tmpl.Auth.Method {
	case connector.AuthOAuth2:
		needDefault("token_url")
		if tmpl.Auth.TokenURL != "{token_url}" {
			t.Errorf("auth.token_url %q, want {token_url}", tmpl.Auth.TokenURL)
		}
	case connector.AuthSession:
		needDefault("login_url")
		if tmpl.Auth.LoginURL != "{login_url}" {
			t.Errorf("auth.login_url %q, want {login_url}", tmpl.Auth.LoginURL)
		}
	}
	for _, s := range tmpl.Settings() {
		if s.Secret && s.Default != "" {
			t.Errorf("secret setting %s has a default", s.Name)
		}
	}
}

func TestGet(t *testing.T) {
	for _, want := range List() {
		got, err := Get(want.Slug)
		if err != nil {
			t.Errorf("Get(%q): %v", want.Slug, err)
			continue
		}
		if got.Slug != want.Slug || got.Name != want.Name {
			t.Errorf("Get(%q) = %q (%s)", want.Slug, got.Slug, got.Name)
		}
	}
}

func TestGetUnknown(t *testing.T) {
	for _, slug := range []string{"", "nope", "OKTA", "okta.json"} {
		_, err := Get(slug)
		if !errors.Is(err, ErrUnknownVendor) {
			t.Errorf("Get(%q) error = %v, want ErrUnknownVendor", slug, err)
			continue
		}
		for _, known := range []string{"okta", "smartsheet", "webex"} {
			if !strings.Contains(err.Error(), known) {
				t.Errorf("Get(%q) error %q does not list the known slug %q", slug, err, known)
			}
		}
	}
}

// TestCopies checks that callers cannot change the embedded templates
// through what List and Get return.
func TestCopies(t *testing.T) {
	mutate := func(tmpl *connector.Template) {
		tmpl.Name = "changed"
		for i := range tmpl.Declared {
			tmpl.Declared[i].Default = "changed"
		}
		tmpl.Declared = append(tmpl.Declared, connector.Setting{Name: "extra"})
		for k := range tmpl.Response.Fields {
			tmpl.Response.Fields[k] = "changed"
		}
		for k := range tmpl.Response.StatusValues {
			tmpl.Response.StatusValues[k] = "changed"
		}
		for k := range tmpl.Request.Headers {
			tmpl.Request.Headers[k] = "changed"
		}
		for k := range tmpl.Request.Query {
			tmpl.Request.Query[k] = []string{"changed"}
		}
		if args, ok := tmpl.Request.Body["Args"].(map[string]any); ok {
			args["PageSize"] = -1
		}
		for k := range tmpl.Auth.LoginBody {
			tmpl.Auth.LoginBody[k] = "changed"
		}
		for i := range tmpl.Filters {
			tmpl.Filters[i].Value = "changed"
		}
		if tmpl.Pagination.Start != nil {
			*tmpl.Pagination.Start = -1
		}
	}
	fresh := func(slug string) connector.Template {
		t.Helper()
		tmpl, err := Get(slug)
		if err != nil {
			t.Fatal(err)
		}
		return tmpl
	}

	// Snapshot every template first: with a broken clone, the copies would
	// share memory with the originals and change along with them.
	before := map[string]string{}
	for _, tmpl := range List() {
		before[tmpl.Slug] = marshal(t, tmpl)
	}
	for _, slug := range []string{"okta", "cyberark-identity", "apptio", "smartsheet", "figma"} {
		got := fresh(slug)
		mutate(&got)
	}
	listed := List()
	for i := range listed {
		mutate(&listed[i])
	}
	for _, tmpl := range List() {
		if after := marshal(t, tmpl); after != before[tmpl.Slug] {
			t.Errorf("%s: changing a returned template changed the embedded one:\nbefore %s\nafter  %s", tmpl.Slug, before[tmpl.Slug], after)
		}
	}
}

func marshal(t *testing.T, tmpl connector.Template) string {
	t.Helper()
	data, err := json.Marshal(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestConcurrentUse runs List and Get from many goroutines (meaningful under
// -race): the catalog is loaded once and only read afterwards.
func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for _, tmpl := range List() {
				got, err := Get(tmpl.Slug)
				if err != nil {
					t.Error(err)
					return
				}
				got.Response.Fields["goroutine"] = strconv.Itoa(i)
			}
		})
	}
	wg.Wait()
}
