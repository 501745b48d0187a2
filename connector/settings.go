package connector

import (
	"slices"

	"github.com/saasconnect/saasconnect/internal/placeholder"
	"github.com/saasconnect/saasconnect/internal/redact"
)

// CAFileSetting is the optional setting every template accepts: the path of a
// PEM file whose certificates are trusted in addition to the system roots.
const CAFileSetting = "ca_file"

// placeholderRE matches {name} placeholders.
var placeholderRE = placeholder.Pattern

// placeholders returns the setting names referenced in s, in order.
func placeholders(s string) []string { return placeholder.Names(s) }

// valuePlaceholders returns the placeholders in every string inside v
// (decoded JSON: maps, slices, strings).
func valuePlaceholders(v any) []string { return placeholder.InValue(v) }

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

// impliedSettings returns the settings t's auth method needs (the
// [auth.Methods] table's), required; secret when the method says so or the
// name suggests it.
func (t Template) impliedSettings() []Setting {
	var out []Setting
	for _, s := range t.Auth.Settings() {
		out = append(out, Setting{Name: s.Name, Description: s.Description, Required: true, Secret: s.Secret || secretName(s.Name)})
	}
	return out
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
