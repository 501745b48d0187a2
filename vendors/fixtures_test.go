package vendors

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/saasconnect/saasconnect/connector/connectortest"
)

// TestFixtures replays every template against its recorded vendor exchanges
// in testdata/<slug>/ (see the connectortest package for the format): the
// requests it sends, the pages it walks and the users it produces. Each
// fixture's comment cites where its response shapes come from.
func TestFixtures(t *testing.T) {
	for _, tmpl := range List() {
		t.Run(tmpl.Slug, func(t *testing.T) {
			t.Parallel()
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
