package connector

import (
	"regexp"
	"slices"

	"github.com/saasconnect/saasconnect/internal/redact"
)

// CAFileSetting is the optional setting every template accepts: the path of a
// PEM file whose certificates are trusted in addition to the system roots.
const CAFileSetting = "ca_file"

// placeholderRE matches {name} placeholders.
var placeholderRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_.-]*)\}`)

// placeholders returns the setting names referenced in s, in order.
func placeholders(s string) []string {
	var names []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		names = append(names, m[1])
	}
	return names
}

// valuePlaceholders returns the placeholders in every string inside v
// (decoded JSON: maps, slices, strings).
func valuePlaceholders(v any) []string {
	var names []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			names = append(names, placeholders(v)...)
		case map[string]any:
			for _, k := range sortedKeys(v) {
				walk(v[k])
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return names
}

// notSecretSuffixes are final name parts that describe where a secret lives
// rather than the secret itself ("token_url", "key_header").
var notSecretSuffixes = []string{"url", "uri", "path", "file", "type", "header", "param", "field", "name", "id"}

// secretName reports whether a setting name suggests a secret: it names one
// by the SDK's redaction policy (a part is password, secret, token, key,
// credential, session and the like: see redact.IsSecretName), and it does
// not end in url, path, file, type, header, name or id ("token_url",
// "tokenUrl").
func secretName(name string) bool {
	parts := redact.NameParts(name)
	if len(parts) > 1 && slices.Contains(notSecretSuffixes, parts[len(parts)-1]) {
		return false
	}
	return redact.IsSecretName(name)
}

// impliedSettings returns the settings t's auth method needs.
func (t Template) impliedSettings() []Setting {
	req := func(name, desc string) Setting {
		return Setting{Name: name, Description: desc, Required: true, Secret: secretName(name)}
	}
	a := t.Auth
	switch a.Method {
	case AuthAPIKey:
		return []Setting{req("api_key", "API key or token")}
	case AuthBasic:
		return []Setting{req("username", "user name for HTTP Basic auth"), req("password", "password for HTTP Basic auth")}
	case AuthOAuth2:
		s := []Setting{req("client_id", "OAuth2 client ID"), req("client_secret", "OAuth2 client secret")}
		switch a.GrantType {
		case "password":
			s = append(s, req("username", "resource owner user name"), req("password", "resource owner password"))
		case "refresh_token":
			s = append(s, req("refresh_token", "OAuth2 refresh token"))
		}
		return s
	case AuthSession:
		var s []Setting
		seen := map[string]bool{}
		for _, name := range valuePlaceholders(map[string]any(a.LoginBody)) {
			if seen[name] {
				continue
			}
			seen[name] = true
			st := req(name, "session login value")
			st.Secret = true
			s = append(s, st)
		}
		return s
	}
	return nil
}

// Settings returns what a user supplies to instantiate t: the declared
// settings (in order), then the ones its auth method implies (api_key;
// username, password; client_id, client_secret and the grant's own; the
// session login body's placeholders), then the optional ca_file. Settings the
// auth method needs are required and secret when they hold credentials;
// any setting whose name suggests a secret (password, secret, token, key) is
// secret. Defaults are shown as declared.
func (t Template) Settings() []Setting {
	out := make([]Setting, 0, len(t.Declared)+4)
	index := map[string]int{}
	for _, s := range t.Declared {
		if secretName(s.Name) {
			s.Secret = true
		}
		index[s.Name] = len(out)
		out = append(out, s)
	}
	for _, s := range t.impliedSettings() {
		if i, ok := index[s.Name]; ok {
			out[i].Secret = out[i].Secret || s.Secret
			if out[i].Default == "" {
				out[i].Required = true
			}
			if out[i].Description == "" {
				out[i].Description = s.Description
			}
			continue
		}
		index[s.Name] = len(out)
		out = append(out, s)
	}
	if _, ok := index[CAFileSetting]; !ok {
		out = append(out, Setting{Name: CAFileSetting, Description: "PEM file of extra CA certificates to trust (appended to the system roots)"})
	}
	return out
}
