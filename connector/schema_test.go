package connector

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestSchemaFileCurrent fails when the repository's schema file differs from
// what Schema generates now (a key, method or pagination type was added).
func TestSchemaFileCurrent(t *testing.T) {
	path := filepath.Join("..", filepath.FromSlash(SchemaFile))
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run `go generate ./connector` to create it", err)
	}
	if want := Schema(); !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run `go generate ./connector` (or `go run ./cmd/saasconnect schema -o %s`)", SchemaFile, SchemaFile)
	}
}

// TestSchemaKeysAreParseTemplateKeys checks that the schema declares exactly
// the object keys ParseTemplate accepts: each declared key parses, and the
// Go type declares no key the schema lacks.
func TestSchemaKeysAreParseTemplateKeys(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(Schema(), &s); err != nil {
		t.Fatal(err)
	}
	inSchema := map[string]bool{}
	schemaKeys(s, s, "", inSchema, map[string]bool{})
	inType := map[string]bool{}
	typeKeys(reflect.TypeFor[Template](), "", inType, map[reflect.Type]bool{})
	if a, b := sortedKeys(inSchema), sortedKeys(inType); !slices.Equal(a, b) {
		t.Fatalf("schema keys differ from the Template type's:\nschema: %v\ntype:   %v", a, b)
	}
	for _, p := range sortedKeys(inSchema) {
		if strings.Contains(p, "{}") {
			continue // inside a map: keys are free
		}
		doc := docWithKey(p, nil)
		if _, err := ParseTemplate(doc); err != nil && strings.Contains(err.Error(), "unknown key") {
			t.Errorf("schema key %s: ParseTemplate(%s) = %v", p, doc, err)
		}
		bogus := docWithKey(p+"_not_a_key", nil)
		if _, err := ParseTemplate(bogus); err == nil || !strings.Contains(err.Error(), "unknown key") {
			t.Errorf("ParseTemplate(%s) = %v, want an unknown key error", bogus, err)
		}
	}
	for _, want := range []string{"$schema", "auth.method", "auth.token_url", "pagination.cursor_path", "settings[].name", "filters[].operator", "rate_limit.per"} {
		if !inSchema[want] {
			t.Errorf("schema lacks %s", want)
		}
	}
}

// docWithKey returns a template document holding v at the key path p
// ("settings[].name": {"settings": [{"name": v}]}).
func docWithKey(p string, v any) []byte {
	var build func(parts []string) any
	build = func(parts []string) any {
		if len(parts) == 0 {
			return v
		}
		k := parts[0]
		if name, ok := strings.CutSuffix(k, "[]"); ok {
			return map[string]any{name: []any{build(parts[1:])}}
		}
		return map[string]any{k: build(parts[1:])}
	}
	b, err := json.Marshal(build(strings.Split(p, ".")))
	if err != nil {
		panic(err)
	}
	return b
}

// schemaKeys adds the object keys schema s declares to out, as key paths
// ("auth.token_url", "settings[].name", "request.headers{}" for map values).
// A "$ref" into root's "$defs" is followed once per path (open holds the
// definitions being walked): a recursive type's keys appear at its first
// level of nesting, as typeKeys names them.
func schemaKeys(root, s map[string]any, path string, out map[string]bool, open map[string]bool) {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/$defs/")
		def, _ := root["$defs"].(map[string]any)[name].(map[string]any)
		if def == nil || open[name] {
			return
		}
		open[name] = true
		schemaKeys(root, def, path, out, open)
		delete(open, name)
		return
	}
	if p, ok := s["properties"].(map[string]any); ok {
		for k, sub := range p {
			kp := joinKey(path, k)
			out[kp] = true
			if m, ok := sub.(map[string]any); ok {
				schemaKeys(root, m, kp, out, open)
			}
		}
	}
	if m, ok := s["items"].(map[string]any); ok {
		schemaKeys(root, m, path+"[]", out, open)
	}
	if m, ok := s["additionalProperties"].(map[string]any); ok {
		schemaKeys(root, m, path+"{}", out, open)
	}
}

// typeKeys adds the object keys ParseTemplate accepts in a value of type t
// to out, named as schemaKeys names them; a struct type met again inside
// itself (open holds the ones being walked) is not walked again.
func typeKeys(t reflect.Type, path string, out map[string]bool, open map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if open[t] {
			return
		}
		open[t] = true
		for k, ft := range jsonFields(t) {
			kp := joinKey(path, k)
			out[kp] = true
			typeKeys(ft, kp, out, open)
		}
		delete(open, t)
	case reflect.Slice, reflect.Array:
		typeKeys(t.Elem(), path+"[]", out, open)
	case reflect.Map:
		typeKeys(t.Elem(), path+"{}", out, open)
	}
}

func joinKey(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}
