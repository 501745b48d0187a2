package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// stdDecode decodes data as the connector's reference decoder does.
func stdDecode(data []byte) (any, error) {
	if !json.Valid(data) {
		var v any
		return nil, json.Unmarshal(data, &v)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

var validDocs = []string{
	`null`, `true`, `false`, `0`, `-0`, `-12.5e+3`, `1E-2`, `""`, `"a"`,
	`"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"`,
	`"lone \ud800 surrogate"`, "\"bad utf8 \xff\xfe\"", `"é日本"`,
	`{}`, `[]`, ` { "a" : [ 1 , { "b" : null } ] } `,
	`{"a":1,"a":2}`, `{"\u0061":1}`, "{\"k\xff\":1}",
	`[[[[]]]]`, `{"data":[{"id":1,"tags":[]}],"total":1}`,
	"\t\n\r [1]\n",
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, doc := range validDocs {
		t.Run(doc, func(t *testing.T) {
			want, err := stdDecode([]byte(doc))
			require.NoError(t, err)
			got, err := Decode([]byte(doc))
			require.NoError(t, err)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Decode mismatch (-encoding/json +jsonscan):\n%s", diff)
			}
			assert.NoError(t, Valid([]byte(doc)))
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		doc       string
		offset    int64
		truncated bool
		trailing  bool
	}{
		{doc: ``, offset: 0, truncated: true},
		{doc: `   `, offset: 3, truncated: true},
		{doc: `{"seats":[{"id":1},]}`, offset: 20},
		{doc: `{"seats":[{"id":1},{"id"`, offset: 24, truncated: true},
		{doc: `{"seats":[]} {"x":1}`, offset: 12, trailing: true},
		{doc: `[1 2]`, offset: 4},
		{doc: `{"a" 1}`, offset: 6},
		{doc: `{a:1}`, offset: 2},
		{doc: `{"a":1 "b":2}`, offset: 8},
		{doc: `01`, offset: 1, trailing: true},
		{doc: `[01]`, offset: 3},
		{doc: `-`, offset: 1, truncated: true},
		{doc: `-x`, offset: 2},
		{doc: `[1.]`, offset: 4},
		{doc: `[1e]`, offset: 4},
		{doc: `[1e+]`, offset: 5},
		{doc: `tru`, offset: 3, truncated: true},
		{doc: `[trux]`, offset: 5},
		{doc: `[nul]`, offset: 5},
		{doc: `"a\x"`, offset: 4},
		{doc: `"\u12g4"`, offset: 6},
		{doc: "\"a\nb\"", offset: 3},
		{doc: `"abc`, offset: 4, truncated: true},
		{doc: `"abc\`, offset: 5, truncated: true},
		{doc: `[`, offset: 1, truncated: true},
		{doc: `{"a":`, offset: 5, truncated: true},
		{doc: `}`, offset: 1},
		{doc: `[,]`, offset: 2},
		{doc: `{"a":1,}`, offset: 8},
		{doc: strings.Repeat("[", 10001), offset: 10001},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			for name, f := range map[string]func([]byte) error{
				"Valid":  Valid,
				"Decode": func(b []byte) error { _, err := Decode(b); return err },
				"Decoder": func(b []byte) error {
					d, err := NewDecoder(Spec{Records: []jsonpath.Step{{Key: "seats"}}, RecordPaths: [][]jsonpath.Step{{{Key: "id"}}}})
					require.NoError(t, err)
					_, err = d.Decode(b, true)
					return err
				},
			} {
				err := f([]byte(tt.doc))
				var se *SyntaxError
				require.ErrorAs(t, err, &se, name)
				assert.Equal(t, tt.offset, se.Offset, "%s: %v", name, err)
				assert.Equal(t, tt.truncated, errors.Is(err, ErrTruncated), name)
				assert.Equal(t, tt.trailing, errors.Is(err, ErrTrailingData), name)
			}
			if !tt.trailing {
				// Same offset as encoding/json.
				var v any
				var jse *json.SyntaxError
				require.ErrorAs(t, json.Unmarshal([]byte(tt.doc), &v), &jse)
				assert.Equal(t, jse.Offset, tt.offset, "encoding/json: %v", jse)
			}
		})
	}
}

func compile(t testing.TB, exprs ...string) [][]jsonpath.Step {
	var out [][]jsonpath.Step
	for _, e := range exprs {
		p, err := jsonpath.Compile(e)
		require.NoError(t, err)
		require.True(t, p.Simple(), e)
		out = append(out, p.Keys())
	}
	return out
}

const page = `{
 "data": [
  {"id": "u1", "email": "a@example.com", "type": "User", "profile": {"first": "Ada", "dept": "R&D", "x": [1,2]},
   "emails": [{"value": "a1"}, {"value": "a2", "primary": true}], "tags": ["t1", {"k": "v"}], "big": {"n": 1e400}},
  {"id": "u2", "email": null, "profile": "none", "emails": {"value": "solo"}, "tags": []},
  {"id": "u3", "emails": [], "\u0065mail": "esc@example.com", "ignored": {"deep": [[[{"a": "b"}]]]}},
  7,
  "str"
 ],
 "total": 5, "meta": {"next_cursor": "Mg", "junk": [1, 2, 3]}, "@odata.nextLink": "http://x/?a=1",
 "has_more": false
}`

var recordExprs = []string{
	"id", "email", "type", "profile.first", "profile.dept", "profile.missing",
	"emails[0].value", "emails[-1].value", "emails[1].primary", "emails[5]",
	"tags", "tags[1].k", "big.n", "ignored.deep[0][0][-1].a", "nope",
}

var docExprs = []string{"total", "meta.next_cursor", `["@odata.nextLink"]`, "has_more", "absent.path"}

func TestDecoderProjection(t *testing.T) {
	full, err := stdDecode([]byte(page))
	require.NoError(t, err)
	d, err := NewDecoder(Spec{
		Records:     compile(t, "data")[0],
		RecordPaths: compile(t, recordExprs...),
		DocPaths:    compile(t, docExprs...),
	})
	require.NoError(t, err)
	for _, raw := range []bool{false, true} {
		p, err := d.Decode([]byte(page), raw)
		require.NoError(t, err)
		assert.True(t, p.Found)
		assert.Empty(t, p.Kind)
		fullRecs := full.(map[string]any)["data"].([]any)
		require.Len(t, p.Records, len(fullRecs))
		for _, e := range docExprs {
			path := jsonpath.MustCompile(e)
			wv, wok := path.Get(full)
			gv, gok := path.Get(p.Doc)
			assert.Equal(t, wok, gok, e)
			assert.Equal(t, wv, gv, e)
		}
		for i, rec := range fullRecs {
			for _, e := range recordExprs {
				path := jsonpath.MustCompile(e)
				wv, wok := path.Get(rec)
				gv, gok := path.Get(p.Records[i])
				assert.Equal(t, wok, gok, "record %d %s", i, e)
				assert.Equal(t, wv, gv, "record %d %s", i, e)
			}
		}
		// Unrequested values are not materialised.
		r0 := p.Records[0].(map[string]any)
		assert.NotContains(t, r0, "ignored")
		assert.NotContains(t, r0["profile"], "x")
		assert.NotContains(t, p.Doc.(map[string]any)["meta"], "junk")
		if raw {
			require.Len(t, p.Raw, len(fullRecs))
			assert.Equal(t, `7`, string(p.Raw[3]))
			assert.Equal(t, `"str"`, string(p.Raw[4]))
			var r1 any
			require.NoError(t, json.Unmarshal(p.Raw[1], &r1))
			assert.Equal(t, "u2", r1.(map[string]any)["id"])
		} else {
			assert.Nil(t, p.Raw)
		}
	}
}

func TestDecoderRecordsPath(t *testing.T) {
	tests := []struct {
		name, doc, path string
		found           bool
		kind            string
		n               int
	}{
		{name: "array", doc: `{"seats":[{"id":1},{"id":2}]}`, path: "seats", found: true, n: 2},
		{name: "bare array", doc: `[{"id":1}]`, path: "", found: true, n: 1},
		{name: "nested", doc: `{"data":{"users":[{"id":1}]}}`, path: "data.users", found: true, n: 1},
		{name: "null", doc: `{"seats":null}`, path: "seats", found: true},
		{name: "empty", doc: `{"seats":[]}`, path: "seats", found: true},
		{name: "missing", doc: `{"users":[]}`, path: "seats"},
		{name: "parent not an object", doc: `{"data":[1]}`, path: "data.users"},
		{name: "object", doc: `{"seats":{"id":1}}`, path: "seats", found: true, kind: "object"},
		{name: "string", doc: `{"seats":"x"}`, path: "seats", found: true, kind: "string"},
		{name: "number", doc: `{"seats":1}`, path: "seats", found: true, kind: "number"},
		{name: "boolean", doc: `{"seats":true}`, path: "seats", found: true, kind: "boolean"},
		{name: "repeated key, last wins", doc: `{"seats":[1,2],"seats":[3]}`, path: "seats", found: true, n: 1},
		{name: "repeated key, last not an array", doc: `{"seats":[1,2],"seats":"x"}`, path: "seats", found: true, kind: "string"},
		{name: "escaped key", doc: `{"se\u0061ts":[1]}`, path: "seats", found: true, n: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDecoder(Spec{Records: jsonpath.MustCompile(tt.path).Keys(), RecordPaths: compile(t, "id")})
			require.NoError(t, err)
			p, err := d.Decode([]byte(tt.doc), true)
			require.NoError(t, err)
			assert.Equal(t, tt.found, p.Found)
			assert.Equal(t, tt.kind, p.Kind)
			assert.Len(t, p.Records, tt.n)
			assert.Len(t, p.Raw, tt.n)
		})
	}
}

func TestNewDecoderUnsupported(t *testing.T) {
	for name, s := range map[string]Spec{
		"index in records path":  {Records: compile(t, "data[0].users")[0]},
		"doc path into records":  {Records: compile(t, "data")[0], DocPaths: compile(t, "data[0].id")},
		"doc path reads records": {Records: compile(t, "data")[0], DocPaths: compile(t, "data")},
		"doc path reads parent":  {Records: compile(t, "a.data")[0], DocPaths: compile(t, "a")},
	} {
		_, err := NewDecoder(s)
		assert.ErrorIs(t, err, ErrUnsupported, name)
	}
}

// TestStringCache checks that repeated values are shared within a page and
// that paths whose values do not repeat still decode right.
func TestStringCache(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"data":[`)
	for i := range 200 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"u%d","status":%q,"esc":"a\u00e9%d"}`, i, []string{"ACTIVE", "SUSPENDED"}[i%2], i%3)
	}
	b.WriteString(`]}`)
	d, err := NewDecoder(Spec{Records: compile(t, "data")[0], RecordPaths: compile(t, "id", "status", "esc")})
	require.NoError(t, err)
	p, err := d.Decode([]byte(b.String()), false)
	require.NoError(t, err)
	require.Len(t, p.Records, 200)
	for i, r := range p.Records {
		m := r.(map[string]any)
		assert.Equal(t, fmt.Sprintf("u%d", i), m["id"])
		assert.Equal(t, []string{"ACTIVE", "SUSPENDED"}[i%2], m["status"])
		assert.Equal(t, fmt.Sprintf("aé%d", i%3), m["esc"])
	}
	// Without escapes (which unquote through encoding/json): per record the
	// map (2 allocations) and the id (2); status is shared.
	d, err = NewDecoder(Spec{Records: compile(t, "data")[0], RecordPaths: compile(t, "id", "status")})
	require.NoError(t, err)
	data := []byte(b.String())
	allocs := testing.AllocsPerRun(10, func() { _, _ = d.Decode(data, false) })
	assert.Less(t, allocs, 200*4.5)
}
