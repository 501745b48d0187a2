package txtar

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want Archive
	}{
		{"empty", "", Archive{}},
		{"comment only", "hello\nworld", Archive{Comment: []byte("hello\nworld\n")}},
		{"files", "note\n-- a --\nA\n-- b.json --\n{}\n", Archive{
			Comment: []byte("note\n"),
			Files:   []File{{"a", []byte("A\n")}, {"b.json", []byte("{}\n")}},
		}},
		{"no comment, empty file, missing final newline", "-- a --\n-- b --\nx", Archive{
			Files: []File{{"a", nil}, {"b", []byte("x\n")}},
		}},
		{"not markers", "--a --\n-- b--\n-- --\n-- c --\n-- not a marker\n", Archive{
			Comment: []byte("--a --\n-- b--\n-- --\n"),
			Files:   []File{{"c", []byte("-- not a marker\n")}},
		}},
		{"crlf marker", "-- a --\r\nbody\r\n", Archive{Files: []File{{"a", []byte("body\r\n")}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Parse([]byte(tc.in))
			opt := cmp.Transformer("str", func(b []byte) string { return string(b) })
			if diff := cmp.Diff(&tc.want, got, opt); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestFormatRoundTrip(t *testing.T) {
	t.Parallel()
	in := "comment\n-- 1.request --\nGET / HTTP/1.1\n\n-- want.json --\n[]\n"
	a := Parse([]byte(in))
	if got := string(Format(a)); got != in {
		t.Errorf("Format(Parse(%q)) = %q", in, got)
	}
	a.Set("want.json", []byte(`[{"id":"1"}]`))
	a.Set("want.status", []byte("failed\n"))
	want := "comment\n-- 1.request --\nGET / HTTP/1.1\n\n-- want.json --\n[{\"id\":\"1\"}]\n-- want.status --\nfailed\n"
	if got := string(Format(a)); got != want {
		t.Errorf("after Set, Format = %q, want %q", got, want)
	}
	if d, ok := a.File("want.status"); !ok || string(d) != "failed\n" {
		t.Errorf("File(want.status) = %q, %v", d, ok)
	}
	if _, ok := a.File("nope"); ok {
		t.Error("File(nope) found")
	}
}
