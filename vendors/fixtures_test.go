package vendors

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/connector/connectortest"
	"github.com/saasconnect/saasconnect/internal/txtar"
)

// TestFixtures replays every template against its recorded vendor exchanges
// in testdata/<slug>/ (see the connectortest package for the format): the
// requests it sends, the pages it walks and the users it produces. Each
// fixture's comment cites where its response shapes come from.
func TestFixtures(t *testing.T) {
	for _, tmpl := range List() {
		t.Run(tmpl.Slug, func(t *testing.T) {
			t.Parallel()
			if tmpl.Source == connector.SourceLDAP {
				replayLDAP(t, tmpl) // LDIF, not HTTP exchanges
				return
			}
			dir := filepath.Join("testdata", tmpl.Slug)
			scenarios, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
			if err != nil {
				t.Fatal(err)
			}
			if len(scenarios) == 0 {
				if _, err := os.Stat(dir); err != nil {
					t.Fatalf("no fixture directory for %s: %v", tmpl.Slug, err)
				}
				t.Fatalf("no *.txtar scenario in %s", dir)
			}
			connectortest.Replay(t, dir, connectortest.WithTemplate(tmpl))
		})
	}
}

// TestFixtureProvenance checks what the fixture rules ask of every vendor:
// each scenario says where its response shapes come from (a repository at a
// commit or a documentation URL), at least one scenario walks two or more
// pages of users (2xx answers to requests other than token and login
// exchanges; one page for a vendor that lists users without pagination), and where the vendor reports last activity, some user was
// never active.
func TestFixtureProvenance(t *testing.T) {
	for _, tmpl := range List() {
		t.Run(tmpl.Slug, func(t *testing.T) {
			if tmpl.Source == connector.SourceLDAP {
				checkLDAPProvenance(t, tmpl)
				return
			}
			scenarios, err := filepath.Glob(filepath.Join("testdata", tmpl.Slug, "*.txtar"))
			if err != nil {
				t.Fatal(err)
			}
			maxPages := 0
			never := false
			for _, name := range scenarios {
				data, err := os.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				a := txtar.Parse(data)
				comment := string(a.Comment)
				if !strings.Contains(comment, "https://") && !strings.Contains(comment, "@") {
					t.Errorf("%s: the comment cites no source (repo@commit:path or a docs URL)", name)
				}
				pages := 0
				for _, f := range a.Files {
					n, ok := strings.CutSuffix(f.Name, ".response")
					if !ok {
						continue
					}
					req, _ := a.File(n + ".request")
					line, _, _ := strings.Cut(string(req), "\n")
					target, _, _ := strings.Cut(line, "?")
					if l := strings.ToLower(target); strings.Contains(l, "token") || strings.Contains(l, "login") {
						continue
					}
					if strings.HasPrefix(string(f.Data), "HTTP/1.1 2") {
						pages++
					}
				}
				maxPages = max(maxPages, pages)
				if want, ok := a.File("want.json"); ok {
					var users []saasconnect.User
					if err := json.Unmarshal(want, &users); err != nil {
						t.Errorf("%s: want.json: %v", name, err)
					}
					for _, u := range users {
						never = never || u.Activity == saasconnect.ActivityNever
					}
				}
			}
			if tmpl.Activity.LastActivityField != "" && !never {
				t.Errorf("testdata/%s reports last activity but no scenario has a user who was never active", tmpl.Slug)
			}
			// A vendor that answers the listing in one response (no
			// pagination) has no second page to replay.
			onePage := tmpl.Pagination.Type == "" || tmpl.Pagination.Type == "none"
			switch {
			case onePage && maxPages < 1:
				t.Errorf("no scenario in testdata/%s delivers a page of users", tmpl.Slug)
			case !onePage && maxPages < 2:
				t.Errorf("no scenario in testdata/%s walks two pages of users", tmpl.Slug)
			}
		})
	}
}
