package vendors_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/paginate"
)

// The template JSON Schema is checked with a real draft 2020-12 validator
// (a test-only dependency), so that what editors see is what is tested.

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(connector.Schema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("template.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("template.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func templateFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("templates", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	return files
}

func instance(t *testing.T, data []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestTemplatesValidateAgainstSchema checks every vendor template against
// the schema and that each names it by its path in the repository.
func TestTemplatesValidateAgainstSchema(t *testing.T) {
	s := compileSchema(t)
	for _, f := range templateFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(instance(t, data)); err != nil {
				t.Errorf("%s does not validate against the schema:\n%v", f, err)
			}
			var head struct {
				Schema string `json:"$schema"`
			}
			if err := json.Unmarshal(data, &head); err != nil {
				t.Fatal(err)
			}
			if want := "../../" + connector.SchemaFile; head.Schema != want {
				t.Errorf(`%s: "$schema" = %q, want %q`, f, head.Schema, want)
			}
		})
	}
}

// mutation is a template changed at one key path.
type mutation struct {
	name string
	doc  map[string]any
}

// mutations returns variants of doc: every auth method and pagination type
// swapped in, every schema key set to values of each JSON type, and an
// unknown key added to every object.
func mutations(t *testing.T, doc map[string]any, keys []string) []mutation {
	t.Helper()
	var out []mutation
	set := func(name, path string, v any) {
		d := deepCopy(doc)
		if setPath(d, strings.Split(path, "."), v) {
			out = append(out, mutation{name, d})
		}
	}
	for _, m := range auth.Methods() {
		set("auth.method="+string(m.Name), "auth.method", string(m.Name))
	}
	for _, ti := range paginate.Types() {
		set("pagination.type="+string(ti.Name), "pagination.type", string(ti.Name))
	}
	// One value of each JSON type, and the zero values that mean "not
	// given" to the auth and pagination tables.
	values := []any{nil, "", "x", json.Number("0"), json.Number("1.5"), true, []any{"x"}, map[string]any{"x": "y"}}
	for _, k := range keys {
		for _, v := range values {
			set(fmt.Sprintf("%s=%v", k, v), k, v)
		}
		set(k+".not_a_key", k+".not_a_key", "x")
	}
	return out
}

// TestSchemaRejectsOnlyWhatValidateRejects mutates vendor templates many
// ways (one template per pair of auth method and pagination type, to keep
// the test quick): whenever the schema rejects a variant, ParseTemplate or
// Validate must reject it too.
func TestSchemaRejectsOnlyWhatValidateRejects(t *testing.T) {
	s := compileSchema(t)
	var raw map[string]any
	if err := json.Unmarshal(connector.Schema(), &raw); err != nil {
		t.Fatal(err)
	}
	var keys []string
	collectKeys(raw, "", &keys)
	slices.Sort(keys)
	rejected, total := 0, 0
	seen := map[[2]any]bool{}
	for _, f := range templateFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		a, _ := doc["auth"].(map[string]any)
		p, _ := doc["pagination"].(map[string]any)
		pair := [2]any{a["method"], p["type"]}
		if seen[pair] {
			continue
		}
		seen[pair] = true
		for i, m := range mutations(t, doc, keys) {
			if raceDetector && i%8 != 0 {
				continue // every 8th variant under -race; all of them without
			}
			b, err := json.Marshal(m.doc)
			if err != nil {
				t.Fatal(err)
			}
			total++
			if s.Validate(instance(t, b)) == nil {
				continue
			}
			rejected++
			tmpl, err := connector.ParseTemplate(b)
			if err == nil {
				err = tmpl.Validate()
			}
			if err == nil {
				t.Errorf("%s with %s: the schema rejects it, Validate accepts it", filepath.Base(f), m.name)
			}
		}
	}
	// The corpus must exercise the schema both ways.
	if rejected == 0 || rejected == total {
		t.Fatalf("schema rejected %d of %d variants; want some but not all", rejected, total)
	}
	t.Logf("schema rejected %d of %d variants", rejected, total)
}

// collectKeys appends the key paths the schema declares outside maps and
// arrays ("auth.token_url").
func collectKeys(s map[string]any, path string, out *[]string) {
	props, _ := s["properties"].(map[string]any)
	for k, sub := range props {
		kp := k
		if path != "" {
			kp = path + "." + k
		}
		*out = append(*out, kp)
		if m, ok := sub.(map[string]any); ok {
			collectKeys(m, kp, out)
		}
	}
}

// setPath sets doc at path to v, creating objects on the way; false when
// the way passes through something other than an object.
func setPath(doc map[string]any, path []string, v any) bool {
	for _, k := range path[:len(path)-1] {
		next, ok := doc[k]
		if !ok || next == nil {
			next = map[string]any{}
			doc[k] = next
		}
		m, ok := next.(map[string]any)
		if !ok {
			return false
		}
		doc = m
	}
	doc[path[len(path)-1]] = v
	return true
}

func deepCopy(v map[string]any) map[string]any {
	var out map[string]any
	b, _ := json.Marshal(v)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		panic(err)
	}
	return out
}

// TestSchemaFollowsTheTables checks that the schema carries every row of the
// auth method and pagination type tables: a required key missing, or a key
// the row does not use, is rejected by both the schema and Validate.
func TestSchemaFollowsTheTables(t *testing.T) {
	s := compileSchema(t)
	base := func(block string, v map[string]any) map[string]any {
		return map[string]any{"version": 1, "request": map[string]any{"users_url": "https://api.example.com/users"},
			"response": map[string]any{"fields": map[string]any{"id": "id"}}, block: v}
	}
	check := func(name string, doc map[string]any) {
		t.Helper()
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if s.Validate(instance(t, b)) == nil {
			t.Errorf("%s: the schema accepts %s", name, b)
		}
		tmpl, err := connector.ParseTemplate(b)
		if err == nil {
			err = tmpl.Validate()
		}
		if err == nil {
			t.Errorf("%s: Validate accepts %s", name, b)
		}
	}
	specKeys := stringKeys[auth.Spec]("method")
	for _, m := range auth.Methods() {
		used := map[string]bool{}
		for _, k := range m.Keys {
			used[k.Name] = true
			if k.Required {
				check(string(m.Name)+" without "+k.Name, base("auth", map[string]any{"method": string(m.Name)}))
			}
		}
		for _, k := range specKeys {
			if !used[k] {
				check(string(m.Name)+" with "+k, base("auth", map[string]any{"method": string(m.Name), k: "x"}))
			}
		}
	}
	configKeys := stringKeys[paginate.Config]("type", "in")
	for _, ti := range paginate.Types() {
		for _, k := range ti.Required {
			check(string(ti.Name)+" without "+k, base("pagination", map[string]any{"type": string(ti.Name)}))
		}
		for _, k := range configKeys {
			if !slices.Contains(ti.Required, k) && !slices.Contains(ti.Optional, k) {
				check(string(ti.Name)+" with "+k, base("pagination", map[string]any{"type": string(ti.Name), k: "x"}))
			}
		}
	}
	check("unknown auth method", base("auth", map[string]any{"method": "kerberos"}))
	check("unknown pagination type", base("pagination", map[string]any{"type": "scroll"}))
}

// stringKeys returns the JSON keys of T's string fields, but except.
func stringKeys[T any](except ...string) []string {
	var keys []string
	for f := range reflect.TypeFor[T]().Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Type.Kind() == reflect.String && !slices.Contains(except, name) {
			keys = append(keys, name)
		}
	}
	if len(keys) == 0 {
		panic("no string keys")
	}
	return keys
}
