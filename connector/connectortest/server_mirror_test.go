package connectortest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/saasconnect/saasconnect/internal/fakevendor"
)

// TestMirrorsFakeVendor checks that the names this package declares for its
// users (so they are documented here) hold the fake vendor's values.
func TestMirrorsFakeVendor(t *testing.T) {
	type mirror struct {
		name      string
		ours, its any
	}
	var tests []mirror
	if got, want := Paginations(), fakevendor.Paginations(); len(got) == len(want) {
		for i := range got {
			tests = append(tests, mirror{"Paginations()[" + string(got[i]) + "]", string(got[i]), string(want[i])})
		}
	} else {
		t.Fatalf("Paginations() = %v, fakevendor has %v", got, want)
	}
	tests = append(tests,
		mirror{"AuthNone", string(AuthNone), string(fakevendor.AuthNone)},
		mirror{"AuthAPIKey", string(AuthAPIKey), string(fakevendor.AuthAPIKey)},
		mirror{"AuthBasic", string(AuthBasic), string(fakevendor.AuthBasic)},
		mirror{"AuthOAuth2", string(AuthOAuth2), string(fakevendor.AuthOAuth2)},
		mirror{"AuthSession", string(AuthSession), string(fakevendor.AuthSession)},
		mirror{"APIKey", APIKey, fakevendor.APIKey},
		mirror{"Username", Username, fakevendor.Username},
		mirror{"Password", Password, fakevendor.Password},
		mirror{"ClientID", ClientID, fakevendor.ClientID},
		mirror{"ClientSecret", ClientSecret, fakevendor.ClientSecret},
		mirror{"FaultRateLimit", string(FaultRateLimit), string(fakevendor.FaultRateLimit)},
		mirror{"FaultServerError", string(FaultServerError), string(fakevendor.FaultServerError)},
		mirror{"FaultUnauthorized", string(FaultUnauthorized), string(fakevendor.FaultUnauthorized)},
		mirror{"FaultReset", string(FaultReset), string(fakevendor.FaultReset)},
		mirror{"FaultTruncated", string(FaultTruncated), string(fakevendor.FaultTruncated)},
		mirror{"FaultSlowBody", string(FaultSlowBody), string(fakevendor.FaultSlowBody)},
		mirror{"FaultCursorLoop", string(FaultCursorLoop), string(fakevendor.FaultCursorLoop)},
		mirror{"FaultCrossOrigin", string(FaultCrossOrigin), string(fakevendor.FaultCrossOrigin)},
		mirror{"FaultHugeBody", string(FaultHugeBody), string(fakevendor.FaultHugeBody)},
		mirror{"DefaultHugeBodySize", int64(DefaultHugeBodySize), int64(fakevendor.DefaultHugeBodySize)},
		mirror{"DefaultNow", DefaultNow, fakevendor.DefaultNow},
	)
	for _, tt := range tests {
		if diff := cmp.Diff(tt.its, tt.ours); diff != "" {
			t.Errorf("%s differs from the fake vendor's (-fakevendor +connectortest):\n%s", tt.name, diff)
		}
	}
}

// TestServerConfigDefaults checks that Config reports the defaults the
// fake vendor applied, in this package's types.
func TestServerConfigDefaults(t *testing.T) {
	s := NewInMemoryServer(ServerConfig{Users: 3, Faults: []Fault{{Kind: FaultRateLimit, Page: 2}}})
	want := ServerConfig{
		Users: 3, Pagination: PaginateOffset, PageSize: 100, Auth: AuthNone,
		Faults: []Fault{{Kind: FaultRateLimit, Page: 2}}, Now: DefaultNow, TokenTTL: time.Hour,
	}
	if diff := cmp.Diff(want, s.Config()); diff != "" {
		t.Errorf("Config() (-want +got):\n%s", diff)
	}
}
