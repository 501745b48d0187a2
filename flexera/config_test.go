package flexera_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/saasconnect/saasconnect/flexera"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		wantAPI   string
		wantToken string
		wantCreds bool
		wantErr   string
	}{
		{"defaults", nil, "https://api.flexera.com", "https://login.flexera.com/oidc/token", false, ""},
		{"eu refresh token", map[string]string{"FLEXERA_REGION": "EU", "FLEXERA_REFRESH_TOKEN": "rt"}, "https://api.flexera.eu", "https://login.flexera.eu/oidc/token", true, ""},
		{"au client credentials", map[string]string{"FLEXERA_REGION": "au", "FLEXERA_CLIENT_ID": "id", "FLEXERA_CLIENT_SECRET": "s"}, "https://api.flexera.au", "https://login.flexera.au/oidc/token", true, ""},
		{"overridden hosts", map[string]string{"FLEXERA_API_URL": "http://127.0.0.1:8080/", "FLEXERA_LOGIN_URL": "https://login.proxy.example"}, "http://127.0.0.1:8080", "https://login.proxy.example/oidc/token", false, ""},
		{"half a client pair", map[string]string{"FLEXERA_CLIENT_ID": "id"}, "", "", false, "need both FLEXERA_CLIENT_ID and FLEXERA_CLIENT_SECRET"},
		{"bad region", map[string]string{"FLEXERA_REGION": "us"}, "", "", false, `FLEXERA_REGION: flexera: unknown region "us"`},
		{"api url with path", map[string]string{"FLEXERA_API_URL": "https://api.example/saas/v1"}, "", "", false, "FLEXERA_API_URL"},
		{"plain http remote", map[string]string{"FLEXERA_LOGIN_URL": "http://login.example"}, "", "", false, "plain http is only allowed for loopback"},
		{"credentials in url", map[string]string{"FLEXERA_API_URL": "https://u:p@api.example"}, "", "", false, "credentials in the URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"FLEXERA_REGION", "FLEXERA_REFRESH_TOKEN", "FLEXERA_CLIENT_ID", "FLEXERA_CLIENT_SECRET", "FLEXERA_API_URL", "FLEXERA_LOGIN_URL"} {
				t.Setenv(k, tt.env[k])
			}
			cfg, err := flexera.ConfigFromEnv()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.APIBaseURL() != tt.wantAPI || cfg.TokenURL() != tt.wantToken || cfg.HasCredentials() != tt.wantCreds {
				t.Fatalf("API %s token %s creds %v", cfg.APIBaseURL(), cfg.TokenURL(), cfg.HasCredentials())
			}
			if _, err := flexera.New(cfg); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestParsers(t *testing.T) {
	if r, err := flexera.ParseRegion(""); err != nil || r != flexera.RegionNA {
		t.Errorf("ParseRegion(\"\") = %q, %v", r, err)
	}
	if l, err := flexera.ParseLoadType("Incremental"); err != nil || l != flexera.LoadIncremental {
		t.Errorf("ParseLoadType = %q, %v", l, err)
	}
	if m, err := flexera.ParseSyncMode("UPDATE_ONLY"); err != nil || m != flexera.SyncUpdateOnly {
		t.Errorf("ParseSyncMode = %q, %v", m, err)
	}
	if k, err := flexera.ParseSyncKey("id"); err != nil || k != flexera.SyncKeyID {
		t.Errorf("ParseSyncKey = %q, %v", k, err)
	}
	if flexera.APIBase(flexera.RegionEU) != "https://api.flexera.eu" || flexera.LoginBase(flexera.RegionAPAC) != "https://login.flexera.au" {
		t.Error("region hosts")
	}
	if _, err := flexera.New(flexera.Config{MaxFileSize: -1}); err == nil {
		t.Error("negative MaxFileSize accepted")
	}
}

func TestDefaultStatePath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "cfg"))
	t.Setenv("AppData", filepath.Join(home, "cfg"))
	dir, err := os.UserConfigDir()
	if err != nil {
		t.Skip(err)
	}
	tests := []struct{ name, want, wantErr string }{
		{"github-copilot", filepath.Join(dir, "saasconnect", "state", "github-copilot.json"), ""},
		{"acme/prod figma", filepath.Join(dir, "saasconnect", "state", "acme_prod_figma.json"), ""},
		{"..", "", "empty connector name"},
		{"", "", "empty connector name"},
	}
	for _, tt := range tests {
		got, err := flexera.DefaultStatePath(tt.name)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("DefaultStatePath(%q) err = %v", tt.name, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("DefaultStatePath(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestSecretRedaction(t *testing.T) {
	const value = "super-secret-token-123"
	s := flexera.Secret(value)
	cfg := flexera.Config{RefreshToken: s, ClientSecret: s, ClientID: "id"}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("cfg", "secret", s, "cfg", cfg)
	js, _ := json.Marshal(cfg)
	out := fmt.Sprintf("%v|%+v|%#v|%s|%q|%x|%v|%+v|%#v", s, s, s, s, s, s, cfg, cfg, cfg) + logs.String() + string(js)
	if strings.Contains(out, value) {
		t.Fatalf("secret leaked: %s", out)
	}
	if !strings.Contains(out, "[REDACTED]") || s.Reveal() != value || flexera.Secret("").String() != "" {
		t.Fatalf("redaction output: %s", out)
	}
}

func TestStateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nested", "dir", "s.json")
	if st, err := flexera.ReadState(path); st != nil || err != nil {
		t.Fatalf("missing state = %v, %v; want nil, nil", st, err)
	}
	st := &flexera.State{Org: "1", App: "ab", SyncKey: "email", Users: []flexera.RosterRecord{
		{UniqueID: "b", ActivatedAt: "2026-01-02T00:00:00.000Z"}, {UniqueID: "a", ActivatedAt: "2026-01-01T00:00:00.000Z"},
	}}
	if err := flexera.WriteState(path, st); err != nil {
		t.Fatal(err)
	}
	got, err := flexera.ReadState(path)
	if err != nil || got.Version != flexera.StateVersion || len(got.Users) != 2 || got.Users[0].UniqueID != "a" {
		t.Fatalf("ReadState = %+v, %v; want 2 users sorted", got, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want only the state file (no temp files)", len(entries))
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	bad := []struct{ name, content, want string }{
		{"unknown field", `{"version":1,"org":"1","app":"a","syncKey":"email","users":[],"extra":1}`, "unknown field"},
		{"wrong version", `{"version":9,"users":[]}`, "version 9"},
		{"duplicate", `{"version":1,"users":[{"uniqueId":"a"},{"uniqueId":"a"}]}`, `users[1]: uniqueId "a" appears twice`},
		{"no id", `{"version":1,"users":[{"email":"a"}]}`, "users[0] has no uniqueId"},
	}
	for _, b := range bad {
		p := filepath.Join(dir, b.name+".json")
		_ = os.WriteFile(p, []byte(b.content), 0o600)
		if _, err := flexera.ReadState(p); err == nil || !strings.Contains(err.Error(), b.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v, want %q and the path", b.name, err, b.want)
		}
	}
	// A state path whose directory cannot be created.
	blocker := filepath.Join(dir, "file")
	_ = os.WriteFile(blocker, nil, 0o600)
	if err := flexera.WriteState(filepath.Join(blocker, "s.json"), st); err == nil {
		t.Error("WriteState under a file: no error")
	}
}
