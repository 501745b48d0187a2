package paginate

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseLinkHeader(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Link
	}{
		{name: "empty", in: "", want: nil},
		{name: "only commas and spaces", in: " , ,\t", want: nil},
		{
			name: "okta users: self and next",
			in:   `<https://acme.okta.com/api/v1/users?limit=200>; rel="self", <https://acme.okta.com/api/v1/users?after=00u1xke1apZnmHgpB1d7&limit=200>; rel="next"`,
			want: []Link{
				{URI: "https://acme.okta.com/api/v1/users?limit=200", Rel: []string{"self"}},
				{URI: "https://acme.okta.com/api/v1/users?after=00u1xke1apZnmHgpB1d7&limit=200", Rel: []string{"next"}},
			},
		},
		{
			name: "github: unquoted rel, several links",
			in:   `<https://api.github.com/orgs/o/members?page=2>; rel=next, <https://api.github.com/orgs/o/members?page=5>; rel=last`,
			want: []Link{
				{URI: "https://api.github.com/orgs/o/members?page=2", Rel: []string{"next"}},
				{URI: "https://api.github.com/orgs/o/members?page=5", Rel: []string{"last"}},
			},
		},
		{
			name: "rel list, case folded, extra params with commas and semicolons in quotes",
			in:   `</p?a=1,2>;REL="Prev First"; title="a, b; c"; type=text/html;crossorigin , </q>;rel=next`,
			want: []Link{
				{URI: "/p?a=1,2", Rel: []string{"prev", "first"}, Params: map[string]string{"title": "a, b; c", "type": "text/html", "crossorigin": ""}},
				{URI: "/q", Rel: []string{"next"}},
			},
		},
		{
			name: "only the first rel counts, first of a repeated param wins",
			in:   `</a>; rel="next"; rel="prev"; x=1; X=2`,
			want: []Link{{URI: "/a", Rel: []string{"next"}, Params: map[string]string{"x": "1"}}},
		},
		{
			name: "escaped quote and backslash, extended param name",
			in:   `</a>; title="say \"hi\" \\o/"; title*=UTF-8'de'n%c3%a4chstes`,
			want: []Link{{URI: "/a", Params: map[string]string{"title": `say "hi" \o/`, "title*": "UTF-8'de'n%c3%a4chstes"}}},
		},
		{
			name: "white space around = and empty parameters",
			in:   "</a> ;\trel = next ; ; , </b>;",
			want: []Link{{URI: "/a", Rel: []string{"next"}}, {URI: "/b"}},
		},
		{name: "empty rel", in: `</a>; rel=""`, want: []Link{{URI: "/a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLinkHeader(tt.in)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseLinkHeader(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseLinkHeaderErrors(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{in: `https://a/b; rel=next`, wantErr: `offset 0: want '<', got 'h'`},
		{in: `<https://a/b; rel=next`, wantErr: "offset 0: unterminated <URI>"},
		{in: `</a> rel=next`, wantErr: `offset 5: want ';' or ','`},
		{in: `</a>; rel="next`, wantErr: "offset 10: unterminated quoted string"},
		{in: `</a>; rel="next\`, wantErr: "unterminated quoted string"},
		{in: `</a>; @x=1`, wantErr: "offset 6: want a parameter name"},
		{in: `</a>, junk`, wantErr: `offset 6: want '<'`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLinkHeader(tt.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Nil(t, got)
		})
	}
}

func TestLinkStringRoundTrip(t *testing.T) {
	l := Link{URI: "/u?a=1,2", Rel: []string{"next", "last"}, Params: map[string]string{"title": `a "b" \c`, "type": ""}}
	assert.Equal(t, `</u?a=1,2>; rel="next last"; title="a \"b\" \\c"; type=""`, l.String())
	got, err := ParseLinkHeader(l.String() + ", " + l.String())
	require.NoError(t, err)
	assert.Equal(t, []Link{l, l}, got)
	assert.True(t, l.HasRel("LAST"))
	assert.False(t, l.HasRel("prev"))
}

func TestNextLinkSeveralHeaderLines(t *testing.T) {
	h := http.Header{}
	h.Add("Link", `</self>; rel="self"`)
	h.Add("Link", `</two>; rel="next"`)
	got, err := nextLink(h)
	require.NoError(t, err)
	assert.Equal(t, "/two", got)

	got, err = nextLink(http.Header{"Link": {`</self>; rel="self"`}})
	require.NoError(t, err)
	assert.Empty(t, got)

	_, err = nextLink(http.Header{"Link": {`<broken`}})
	assert.Error(t, err)
}

// FuzzParseLinkHeader checks that the parser never panics, that what it
// accepts formats back to a header it reads back to the same links, and that
// every link it returns is well formed.
func FuzzParseLinkHeader(f *testing.F) {
	for _, s := range []string{
		``,
		`<https://acme.okta.com/api/v1/users?after=x&limit=200>; rel="next"`,
		`</a>; rel="prev first"; title="a, b; \"c\""; crossorigin, </b>; rel=next`,
		`</a>;rel=next;rel=prev;X=1;x=2`,
		`<>`,
		`</a>; title*=UTF-8'de'n%c3%a4chstes`,
		`</a>; rel="next\`,
		`</a> ;`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		links, err := ParseLinkHeader(s)
		if err != nil {
			if links != nil {
				t.Fatalf("error %v with links %v", err, links)
			}
			return
		}
		var formatted string
		for i, l := range links {
			for _, r := range l.Rel {
				if r == "" {
					t.Fatalf("empty relation type in %q", s)
				}
			}
			if i > 0 {
				formatted += ", "
			}
			formatted += l.String()
		}
		again, err := ParseLinkHeader(formatted)
		if err != nil {
			t.Fatalf("ParseLinkHeader(%q) (formatted from %q): %v", formatted, s, err)
		}
		if diff := cmp.Diff(links, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q via %q (-first +second):\n%s", s, formatted, diff)
		}
	})
}

func TestNextLinkResultsFalse(t *testing.T) {
	tests := []struct {
		name, link, want string
	}{
		{"results true is followed", `</p2>; rel="next"; results="true"; cursor="100:1:0"`, "/p2"},
		{"results false ends the walk (Sentry)", `</p1>; rel="previous"; results="true", </p3>; rel="next"; results="false"; cursor="100:2:0"`, ""},
		{"case does not matter", `</p3>; rel="next"; results="FALSE"`, ""},
		{"no results parameter", `</p2>; rel="next"`, "/p2"},
	}
	for _, tt := range tests {
		got, err := nextLink(http.Header{"Link": {tt.link}})
		if err != nil || got != tt.want {
			t.Errorf("%s: nextLink = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}
