package connectortest_test

import (
	"path/filepath"
	"testing"

	"github.com/saasconnect/saasconnect/connector/connectortest"
)

// A vendor's fixture test is one call. The directory holds template.json
// (or pass WithTemplate), settings.json with fake credentials, and one
// *.txtar scenario per case; run "go test -update" to (re)write want.json.
func ExampleReplay() {
	testFixtures := func(t *testing.T) {
		connectortest.Replay(t, filepath.Join("testdata", "replay"),
			connectortest.WithSettings(map[string]string{"org": "acme"}))
	}
	_ = testFixtures // in a real test file: func TestFixtures(t *testing.T) { ... }
}
