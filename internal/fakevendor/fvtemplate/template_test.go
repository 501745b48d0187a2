package fvtemplate

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/internal/fakevendor"
)

// TestTemplateParses checks, for every paging and auth style, that the
// template is valid and that its JSON form parses back to the same value.
func TestTemplateParses(t *testing.T) {
	t.Parallel()
	for _, pg := range fakevendor.Paginations() {
		for _, a := range []fakevendor.Auth{fakevendor.AuthNone, fakevendor.AuthAPIKey, fakevendor.AuthBasic, fakevendor.AuthOAuth2, fakevendor.AuthSession} {
			s := fakevendor.NewInMemoryServer(fakevendor.ServerConfig{Users: 25, Pagination: pg, Auth: a, ReportTotal: true})
			want := Template(s)
			if err := want.Validate(); err != nil {
				t.Errorf("%s/%s: Validate: %v", pg, a, err)
			}
			got, err := connector.ParseTemplate(JSON(s))
			if err != nil {
				t.Errorf("%s/%s: ParseTemplate: %v", pg, a, err)
				continue
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s/%s: JSON does not parse back to Template (-Template +parsed):\n%s", pg, a, diff)
			}
		}
	}
}
