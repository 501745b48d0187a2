package ldapdir_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/saasconnect/saasconnect/ldapdir"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	no := false
	valid := ldapdir.Config{URL: "ldaps://{host}:636", BindDN: "{bind_dn}", BindPassword: "{password}", BaseDN: "{base_dn}", Filter: "(&(objectClass=user)(memberOf={group}))"}
	tests := []struct {
		name string
		edit func(*ldapdir.Config)
		want []string // fields at fault
	}{
		{"valid", func(*ldapdir.Config) {}, nil},
		{"ldap with starttls", func(c *ldapdir.Config) { c.URL = "ldap://dc1.corp.example.com:389" }, nil},
		{"plain to loopback", func(c *ldapdir.Config) { c.URL = "ldap://127.0.0.1:3389"; c.StartTLS = &no }, nil},
		{"plain to a remote host", func(c *ldapdir.Config) { c.URL = "ldap://dc1.corp.example.com"; c.StartTLS = &no }, []string{"url"}},
		{"start_tls with ldaps", func(c *ldapdir.Config) { c.StartTLS = &no }, []string{"start_tls"}},
		{"missing url and base", func(c *ldapdir.Config) { c.URL, c.BaseDN = "", "" }, []string{"url", "base_dn"}},
		{"http url", func(c *ldapdir.Config) { c.URL = "https://dc1" }, []string{"url"}},
		{"user info", func(c *ldapdir.Config) { c.URL = "ldaps://admin:pw@dc1" }, []string{"url"}},
		{"path in url", func(c *ldapdir.Config) { c.URL = "ldaps://dc1/DC=corp" }, []string{"url"}},
		{"literal password", func(c *ldapdir.Config) { c.BindPassword = "hunter2" }, []string{"bind_password"}},
		{"password without dn", func(c *ldapdir.Config) { c.BindDN = "" }, []string{"bind_password"}},
		{"bad base", func(c *ldapdir.Config) { c.BaseDN = "corp.example.com" }, []string{"base_dn"}},
		{"bad filter", func(c *ldapdir.Config) { c.Filter = "(objectClass=user" }, []string{"filter"}},
		{"bad scope", func(c *ldapdir.Config) { c.Scope = "subtree" }, []string{"scope"}},
		{"bad attributes", func(c *ldapdir.Config) { c.Attributes = []string{"mail", "Mail", "given name"} }, []string{"attributes[1]", "attributes[2]"}},
		{"page size", func(c *ldapdir.Config) { c.PageSize = 1001 }, []string{"page_size"}},
		{"limits", func(c *ldapdir.Config) { c.SizeLimit = -1; c.TimeLimit = "1.5s" }, []string{"size_limit", "time_limit"}},
		{"binary names", func(c *ldapdir.Config) { c.GUIDAttributes = []string{"object GUID"} }, []string{"guid_attributes[0]"}},
	}
	for _, tc := range tests {
		c := valid
		tc.edit(&c)
		var got []string
		for _, e := range unjoin(c.Validate()) {
			var ce *ldapdir.ConfigError
			if !errors.As(e, &ce) {
				t.Fatalf("%s: %v is not a *ConfigError", tc.name, e)
			}
			got = append(got, ce.Field)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: errors on %v, want %v (%v)", tc.name, got, tc.want, c.Validate())
		}
	}
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestExpandEscapesFilterValues(t *testing.T) {
	t.Parallel()
	c := ldapdir.Config{URL: "ldaps://{host}", BaseDN: "{base}", Filter: "(memberOf={group})"}
	got := c.Expand(func(n string) string {
		return map[string]string{"host": "dc1:636", "base": "DC=corp", "group": "CN=A*)(uid=*"}[n]
	})
	if got.URL != "ldaps://dc1:636" || got.BaseDN != "DC=corp" || got.Filter != `(memberOf=CN=A\2a\29\28uid=\2a)` {
		t.Errorf("Expand = %+v", got)
	}
	if refs := c.Placeholders(); !slices.Equal(refs["filter"], []string{"group"}) || !slices.Equal(refs["url"], []string{"host"}) {
		t.Errorf("Placeholders = %v", refs)
	}
}
