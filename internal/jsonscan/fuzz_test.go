package jsonscan

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// FuzzDecode checks jsonscan against encoding/json: the same documents are
// valid, invalid ones fail at the same offset, valid ones decode to the same
// value, and every projected path reads the same value in the pruned
// document as in the full one.
func FuzzDecode(f *testing.F) {
	for _, d := range validDocs {
		f.Add([]byte(d))
	}
	f.Add([]byte(page))
	f.Add([]byte(`{"data":[{"emails":{"value":"x"}},{"emails":[[1],{"value":2}]}],"meta":{"next_cursor":null}}`))
	f.Add([]byte(`{"seats":[{"id":1},]}`))
	d, err := NewDecoder(Spec{
		Records:     compile(f, "data")[0],
		RecordPaths: compile(f, recordExprs...),
		DocPaths:    compile(f, docExprs...),
	})
	if err != nil {
		f.Fatal(err)
	}
	var recPaths, docPaths []*jsonpath.Path
	for _, e := range recordExprs {
		recPaths = append(recPaths, jsonpath.MustCompile(e))
	}
	for _, e := range docExprs {
		docPaths = append(docPaths, jsonpath.MustCompile(e))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, werr := stdDecode(data)
		got, gerr := Decode(data)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("encoding/json error %v, jsonscan error %v", werr, gerr)
		}
		if (Valid(data) == nil) != (werr == nil) {
			t.Fatalf("Valid disagrees with encoding/json (%v)", werr)
		}
		page, perr := d.Decode(data, true)
		if (perr == nil) != (werr == nil) {
			t.Fatalf("Decoder.Decode error %v, encoding/json error %v", perr, werr)
		}
		if werr != nil {
			var jse *json.SyntaxError
			var se *SyntaxError
			if !errors.As(gerr, &se) {
				t.Fatalf("error %T %v is not a *SyntaxError", gerr, gerr)
			}
			if errors.As(werr, &jse) && !errors.Is(gerr, ErrTrailingData) && jse.Offset != se.Offset {
				t.Fatalf("offset %d (%v), encoding/json says %d (%v)", se.Offset, gerr, jse.Offset, werr)
			}
			return
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Decode mismatch (-encoding/json +jsonscan):\n%s", diff)
		}
		for _, p := range docPaths {
			wv, wok := p.Get(want)
			gv, gok := p.Get(page.Doc)
			if wok != gok || !cmp.Equal(wv, gv) {
				t.Fatalf("doc path %s: want %v,%v got %v,%v", p, wv, wok, gv, gok)
			}
		}
		recs, _ := jsonpath.MustCompile("data").Get(want)
		list, isList := recs.([]any)
		if !isList {
			if len(page.Records) != 0 {
				t.Fatalf("records %v from a document with none", page.Records)
			}
			return
		}
		if len(list) != len(page.Records) || len(list) != len(page.Raw) {
			t.Fatalf("%d records, jsonscan has %d (raw %d)", len(list), len(page.Records), len(page.Raw))
		}
		for i, rec := range list {
			for _, p := range recPaths {
				wv, wok := p.Get(rec)
				gv, gok := p.Get(page.Records[i])
				if wok != gok || !cmp.Equal(wv, gv) {
					t.Fatalf("record %d path %s: want %v,%v got %v,%v", i, p, wv, wok, gv, gok)
				}
			}
			if err := Valid(page.Raw[i]); err != nil {
				t.Fatalf("raw record %d %q: %v", i, page.Raw[i], err)
			}
		}
	})
}
