package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect/connector"
)

// The demo tenant, counted by hand (now is 2026-12-01, inactive after 90
// days, so before 2026-09-02):
//
//	Adele   E5, POWER_BI_PRO        signed in 11-28: active
//	Alex    E5, VISIOCLIENT         05-04: inactive
//	Megan   SPE_E3, POWER_BI_PRO    07-02: inactive
//	Nestor  SPE_E3                  0001-01-01: never
//	Adams   none                    null: never
//	Lynne   SPE_E3, 3b555118-…      null: never
//
// E5 wastes 6 unused seats and Alex's; SPE_E3 is fully assigned, but to
// one inactive and two never active users; VISIOCLIENT's total is not
// reported, so its unused seats are unknown, not 0; 3b555118-… is held by
// Lynne but not listed at all.
const wantDemo = `graph-licenses: 6 users, 5 licenses

SKU                                     PURCHASED  ASSIGNED  HELD  INACTIVE  NEVER  UNUSED   WASTED
ENTERPRISEPREMIUM                       10         4         2     1         0      6        7
SPE_E3                                  3          3         3     1         2      0        3
3b555118-da6a-4418-894f-7df1e2096870 *  unknown    unknown   1     0         1      unknown  1
POWER_BI_PRO                            2          2         2     1         0      0        1
VISIOCLIENT                             unknown    1         1     1         0      unknown  1

* held by users but not in the licenses listing
`

func TestDemo(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), nil, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
	}
	if got := stdout.String(); got != wantDemo {
		t.Errorf("output:\n%s\nwant:\n%s", got, wantDemo)
	}
}

// unknownSKUs has a SKU with neither count (prepaidUnits null, no
// consumedUnits), one with both counts zero, and one with a total but no
// assigned count. The users' E5 and POWER_BI_PRO ids are not
// listed.
const unknownSKUs = `{"value": [
    {"consumedUnits": null, "prepaidUnits": null, "skuId": "` + skuE3 + `", "skuPartNumber": "SPE_E3"},
    {"consumedUnits": 0, "prepaidUnits": {"enabled": 0}, "skuId": "` + skuVisio + `", "skuPartNumber": "VISIOCLIENT"},
    {"prepaidUnits": {"enabled": 25}, "skuId": "0f2b0e1e-0000-4000-8000-000000000001", "skuPartNumber": "FLOW_PER_USER"}
  ]}`

// A nil total prints "unknown" and leaves the unused seats unknown; a zero
// total prints 0. The unused seats of FLOW_PER_USER are unknown: its
// assigned count is. The unlisted E5 and Power BI ids show as ids; ties
// on wasted seats sort by name, byte-wise.
const wantUnknown = `graph-licenses: 6 users, 6 licenses

SKU                                     PURCHASED  ASSIGNED  HELD  INACTIVE  NEVER  UNUSED   WASTED
SPE_E3                                  unknown    unknown   3     1         2      unknown  3
3b555118-da6a-4418-894f-7df1e2096870 *  unknown    unknown   1     0         1      unknown  1
VISIOCLIENT                             0          0         1     1         0      0        1
c7df2760-2c81-4ef7-b578-5b5392b571df *  unknown    unknown   2     1         0      unknown  1
f8a1db68-be16-40ed-86d5-cb42ce701560 *  unknown    unknown   2     1         0      unknown  1
FLOW_PER_USER                           25         unknown   0     0         0      unknown  0

* held by users but not in the licenses listing
`

// templateFile writes graph.json, without its licenses block when
// noLicenses, into a temporary directory.
func templateFile(t *testing.T, noLicenses bool) string {
	t.Helper()
	data := graphTemplate
	if noLicenses {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "licenses")
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		data = b
	}
	path := filepath.Join(t.TempDir(), "graph.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTemplate(t *testing.T) {
	tests := []struct {
		name        string
		skus        string
		usersByName bool // users list their SKUs by part number, not id
		noLicenses  bool
		secret      string // client secret in the environment; default the right one
		extraArgs   []string
		want        string
		wantIs      error  // matched with errors.Is
		wantText    string // or a part of the error's text
	}{
		{name: "demo tenant through -template", skus: demoSKUs, want: wantDemo},
		{name: "unknown and zero counts", skus: unknownSKUs, want: wantUnknown},
		// Users that name their licenses instead of giving ids are
		// matched by name: the same table.
		{name: "users list license names", skus: demoSKUs, usersByName: true, want: wantDemo},
		{
			name:     "a non-integer total is a record error",
			skus:     `{"value": [{"skuId": "x", "skuPartNumber": "X", "prepaidUnits": {"enabled": "many"}, "consumedUnits": 1}]}`,
			wantText: "licenses:",
		},
		{name: "template without licenses", skus: demoSKUs, noLicenses: true, wantIs: connector.ErrNotDeclared},
		{name: "wrong client secret", skus: demoSKUs, secret: "not-the-secret", wantIs: connector.ErrUnauthorized},
		{
			name:      "secret as a flag",
			skus:      demoSKUs,
			extraArgs: []string{"-setting", "client_secret=" + demoClientSecret},
			wantText:  "-setting client_secret: secret settings come from the environment only (SAASCONNECT_CLIENT_SECRET)",
		},
		{name: "unknown setting", skus: demoSKUs, extraArgs: []string{"-setting", "colour=blue"}, wantText: "colour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeTenant(tt.skus)
			if tt.usersByName {
				r := strings.NewReplacer(skuE5, "ENTERPRISEPREMIUM", skuE3, "SPE_E3", skuPowerBI, "POWER_BI_PRO", skuVisio, "VISIOCLIENT")
				for i, p := range f.userPages {
					f.userPages[i] = r.Replace(p)
				}
			}
			srv := httptest.NewServer(f)
			defer srv.Close()
			s := demoSettings(srv.URL)
			args := []string{"-template", templateFile(t, tt.noLicenses),
				"-setting", "tenant=" + s["tenant"], "-setting", "base_url=" + s["base_url"], "-setting", "token_url=" + s["token_url"]}
			args = append(args, tt.extraArgs...)
			env := map[string]string{"SAASCONNECT_CLIENT_ID": demoClientID, "SAASCONNECT_CLIENT_SECRET": demoClientSecret}
			if tt.secret != "" {
				env["SAASCONNECT_CLIENT_SECRET"] = tt.secret
			}
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), args, func(k string) string { return env[k] }, &stdout, &stderr,
				connector.WithClock(func() time.Time { return demoNow }))

			if tt.wantIs == nil && tt.wantText == "" {
				if err != nil {
					t.Fatalf("run: %v", err)
				}
				if got := stdout.String(); got != tt.want {
					t.Errorf("output:\n%s\nwant:\n%s", got, tt.want)
				}
				return
			}
			if err == nil || (tt.wantIs != nil && !errors.Is(err, tt.wantIs)) || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("run: %v, want an error (is %v, containing %q)", err, tt.wantIs, tt.wantText)
			}
			if stdout.Len() != 0 {
				t.Errorf("a failed run printed a table:\n%s", stdout.String())
			}
			for _, secret := range []string{demoClientSecret, "not-the-secret", demoToken} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error shows a secret: %v", err)
				}
			}
		})
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"setting without template", []string{"-setting", "tenant=x"}, "-setting needs -template"},
		{"malformed setting", []string{"-setting", "tenant"}, `want name=value, got "tenant"`},
		{"missing template file", []string{"-template", filepath.Join(t.TempDir(), "none.json")}, "none.json"},
		{"argument", []string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.args, func(string) string { return "" }, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
