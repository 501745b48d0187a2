package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saasconnect/saasconnect/connector"
)

func TestSchemaCommand(t *testing.T) {
	t.Parallel()
	r := runCLI(t.Context(), nil, "schema")
	if r.code != exitOK {
		t.Fatalf("schema: exit %d, stderr %q", r.code, r.stderr)
	}
	if r.stdout != string(connector.Schema()) {
		t.Error("schema printed something other than connector.Schema()")
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc["$schema"] != connector.SchemaDraft {
		t.Errorf("schema output is not a draft 2020-12 JSON Schema: %v, $schema %v", err, doc["$schema"])
	}

	out := filepath.Join(t.TempDir(), "template.schema.json")
	if r := runCLI(t.Context(), nil, "schema", "-o", out); r.code != exitOK || r.stdout != "" {
		t.Fatalf("schema -o: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, connector.Schema()) {
		t.Errorf("schema -o wrote %d bytes (%v), want connector.Schema()", len(got), err)
	}

	if r := runCLI(t.Context(), nil, "schema", "extra"); r.code != exitUsage || !strings.Contains(r.stderr, "takes no arguments") {
		t.Errorf("schema extra: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCLI(t.Context(), nil, "schema", "-o", filepath.Join(t.TempDir(), "no", "such", "dir.json")); r.code != exitFailure {
		t.Errorf("schema -o into a missing directory: exit %d, want %d", r.code, exitFailure)
	}
}

func TestValidateWarnsOfDeprecatedKeys(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "alias.json")
	if err := os.WriteFile(path, []byte(`{"version": 1, "request": {"users_url": "https://api.example.com/users"},
		"response": {"fields": {"id": "id", "last_activity": "last_login"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t.Context(), nil, "validate", path)
	if r.code != exitOK || !strings.Contains(r.stdout, "ok") {
		t.Errorf("validate: exit %d, stdout %q (a deprecated alias is still valid)", r.code, r.stdout)
	}
	want := "warning: template: response.fields.last_activity: deprecated: move this path to activity.last_activity_field"
	if !strings.Contains(r.stderr, want) {
		t.Errorf("validate stderr = %q, want it to contain %q", r.stderr, want)
	}
}
