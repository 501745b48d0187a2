package connector

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// TestPageDecoderMatchesDecodePage runs bodies through the projection
// decoder and the full one: same errors, same records for the paths read,
// same raw bytes.
func TestPageDecoderMatchesDecodePage(t *testing.T) {
	bodies := []string{
		`{"seats":[{"id":1,"x":{"y":[1,2]}},{"id":2}],"total":2}`,
		`{"seats":null}`, `{"seats":[]}`, `{"users":[],"total_count":0}`, `{"seats":{"id":1}}`, `{"seats":"x"}`,
		`{"seats":[{"id":1},]}`, `{"seats":[{"id":1},{"id"`, ``, `  `, `{"seats":[]} {"x":1}`, `{"seats":[1,2]`,
		`{"seats": [ {"b": 2, "id": 1.50},
	{"id":"x"} ]}`, `[{"id":1}]`, `{"seats":[{"id":1}],"seats":[{"id":2},{"id":3}]}`,
		`{"seats":[{"id":"\u00e9"}],"meta":{"next":"a"}}`,
	}
	recPath := jsonpath.MustCompile("id")
	docPath := jsonpath.MustCompile("meta.next")
	for _, records := range []string{"seats", ""} {
		rp := jsonpath.MustCompile(records)
		docPaths := []*jsonpath.Path{docPath}
		if records == "" {
			docPaths = nil // the document is the records array
		}
		d := newPageDecoder(rp, []*jsonpath.Path{recPath}, docPaths)
		require.NotNil(t, d.proj, "simple paths are projected")
		for _, body := range bodies {
			for _, raw := range []bool{false, true} {
				for _, limit := range []int64{1 << 20, 12} {
					want, werr := decodePage(strings.NewReader(body), limit, rp, raw)
					got, gerr := d.decode(strings.NewReader(body), limit, raw)
					if werr != nil {
						assert.EqualError(t, gerr, werr.Error(), "body %q", body)
						continue
					}
					require.NoError(t, gerr, "body %q", body)
					assert.Equal(t, want.Size, got.Size)
					require.Len(t, got.Records, len(want.Records), "body %q", body)
					for i := range want.Records {
						w, wok := recPath.Get(want.Records[i])
						g, gok := recPath.Get(got.Records[i])
						assert.Equal(t, wok, gok)
						assert.Equal(t, w, g)
					}
					w, wok := docPath.Get(want.Body)
					g, gok := docPath.Get(got.Body)
					assert.Equal(t, wok, gok)
					assert.Equal(t, w, g)
					assert.Equal(t, want.Raw, got.Raw, "body %q", body)
				}
			}
		}
	}
}

func TestPageDecoderReadErrors(t *testing.T) {
	d := newPageDecoder(jsonpath.MustCompile("seats"), []*jsonpath.Path{jsonpath.MustCompile("id")}, nil)
	boom := errors.New("connection reset by peer")
	_, err := d.decode(io.MultiReader(strings.NewReader(`{"seats":[`), iotest.ErrReader(boom)), 1<<20, false)
	require.ErrorIs(t, err, boom)
	assert.ErrorContains(t, err, "byte offset 10")

	_, err = d.decode(io.MultiReader(strings.NewReader(`{"seats":[{"id":1}`), iotest.ErrReader(io.ErrUnexpectedEOF)), 1<<20, false)
	assert.ErrorContains(t, err, "truncated JSON: body ended at byte offset 18")
}

func TestPageDecoderFallsBack(t *testing.T) {
	simple := []*jsonpath.Path{jsonpath.MustCompile("id")}
	general := []*jsonpath.Path{jsonpath.MustCompile("emails[?(@.primary==true)].value")}
	rootRef := []*jsonpath.Path{jsonpath.MustCompile("$..next")}
	assert.NotNil(t, newPageDecoder(jsonpath.MustCompile("data"), simple, simple).proj)
	assert.NotNil(t, newPageDecoder(jsonpath.MustCompile("data"), general, nil).proj, "general record path: its prefix is read whole")
	assert.NotNil(t, newPageDecoder(jsonpath.MustCompile("data"), rootRef, nil).proj, "recursive record path: the whole record is read")
	assert.Nil(t, newPageDecoder(jsonpath.MustCompile("data[*].row"), simple, nil).proj, "general records path")
	assert.Nil(t, newPageDecoder(jsonpath.MustCompile("data"), simple, rootRef).proj, "a document path that may read the records")
	assert.Nil(t, newPageDecoder(jsonpath.MustCompile("data"), simple, []*jsonpath.Path{jsonpath.MustCompile("data[0].id")}).proj, "document path into the records")
}

func TestCoveringKeys(t *testing.T) {
	for expr, want := range map[string]string{
		"links.groups[*].name":             "links.groups",
		"$.links.groups[*].name":           "links.groups",
		"emails[?(@.primary==true)].value": "emails",
		"a.b-c.*":                          "a.b-c",
		"a..name":                          "a",
		"$..name":                          "",
		"$.*":                              "",
		"[*].x":                            "",
		`a["x.y"][*]`:                      "a",
		"a[?(@.id == $.owner)].name":       "",
		"data[*].attributes.first-name":    "data",
		"$['weird key'].x[*]":              "",
	} {
		var keys []string
		for _, k := range coveringKeys(expr) {
			keys = append(keys, k.Key)
		}
		assert.Equal(t, want, strings.Join(keys, "."), expr)
	}
}

// FuzzPageDecoder checks the projection decoder against the full one on
// arbitrary bodies, with simple and general paths: same errors, same
// values at every path.
func FuzzPageDecoder(f *testing.F) {
	f.Add([]byte(`{"data":[{"id":1,"emails":[{"value":"a","primary":true}],"links":{"groups":[{"name":"g"}]}}],"meta":{"next":"x"}}`))
	f.Add([]byte(`{"data":[{"id":1},{"id"`))
	f.Add([]byte(`{"data":{"id":1}}`))
	f.Add([]byte(`{"data":[],"meta":null} x`))
	recs := jsonpath.MustCompile("data")
	recPaths := []*jsonpath.Path{
		jsonpath.MustCompile("id"), jsonpath.MustCompile("emails[0].value"), jsonpath.MustCompile("emails[-1]"),
		jsonpath.MustCompile("emails[?(@.primary==true)].value"), jsonpath.MustCompile("links.groups[*].name"),
	}
	docPaths := []*jsonpath.Path{jsonpath.MustCompile("meta.next"), jsonpath.MustCompile("total")}
	d := newPageDecoder(recs, recPaths, docPaths)
	if d.proj == nil {
		f.Fatal("not projected")
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want, werr := decodePage(bytes.NewReader(body), 1<<16, recs, true)
		got, gerr := d.decode(bytes.NewReader(body), 1<<16, true)
		if werr != nil || gerr != nil {
			if werr == nil || gerr == nil {
				t.Fatalf("full decoding error %v, projection error %v", werr, gerr)
			}
			if !strings.Contains(werr.Error(), "invalid JSON") && werr.Error() != gerr.Error() {
				// encoding/json's streaming decoder words some syntax errors
				// differently; the kind of failure must match.
				t.Fatalf("full decoding error %q, projection error %q", werr, gerr)
			}
			return
		}
		if len(want.Records) != len(got.Records) || len(want.Raw) != len(got.Raw) {
			t.Fatalf("%d records (%d raw), projection %d (%d raw)", len(want.Records), len(want.Raw), len(got.Records), len(got.Raw))
		}
		for i := range want.Records {
			for _, p := range recPaths {
				wv, wok := p.Get(want.Records[i])
				gv, gok := p.Get(got.Records[i])
				if wok != gok || !reflect.DeepEqual(wv, gv) {
					t.Fatalf("record %d, %s: full %v,%v projection %v,%v", i, p, wv, wok, gv, gok)
				}
			}
			if !bytes.Equal(want.Raw[i], got.Raw[i]) {
				t.Fatalf("raw record %d: full %q projection %q", i, want.Raw[i], got.Raw[i])
			}
		}
		for _, p := range docPaths {
			wv, wok := p.Get(want.Body)
			gv, gok := p.Get(got.Body)
			if wok != gok || !reflect.DeepEqual(wv, gv) {
				t.Fatalf("%s: full %v,%v projection %v,%v", p, wv, wok, gv, gok)
			}
		}
	})
}

// BenchmarkPageDecoder is BenchmarkDecodePage through the connector's
// decoder: by projection when the paths allow it, in full otherwise.
func BenchmarkPageDecoder(b *testing.B) {
	body := benchPage(1000)
	records := jsonpath.MustCompile("data")
	var paths []*jsonpath.Path
	for _, e := range []string{"id", "email", "name", "state", "last_login", "type", "profile.department", "profile.title"} {
		paths = append(paths, jsonpath.MustCompile(e))
	}
	for name, d := range map[string]*pageDecoder{
		"projection": newPageDecoder(records, paths, []*jsonpath.Path{jsonpath.MustCompile("total")}),
		"full":       {records: records},
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := d.decode(bytes.NewReader(body), DefaultMaxBodyBytes, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestReadCapped(t *testing.T) {
	for _, tt := range []struct {
		size, max int64
	}{{0, 10}, {5, 10}, {10, 10}, {11, 10}, {1 << 20, 64 << 10}, {64 << 10, 1 << 20}} {
		data := bytes.Repeat([]byte("x"), int(tt.size))
		got, err := readCapped(bytes.NewReader(data), nil, tt.max)
		require.NoError(t, err)
		assert.Equal(t, min(tt.size, tt.max), int64(len(got)))
		assert.LessOrEqual(t, int64(cap(got)), tt.max, "never grows past the cap")
	}
	boom := errors.New("reset")
	got, err := readCapped(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), make([]byte, 0, 1), 100)
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, "abc", string(got))
}
