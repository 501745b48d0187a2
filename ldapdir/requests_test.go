package ldapdir_test

import (
	"flag"
	"strconv"
	"testing"

	"github.com/saasconnect/saasconnect/internal/ldaptest"
	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/ldapdir"
)

// long turns on the slow cases of the normal test suite.
var long = flag.Bool("long", false, "run the slow cases (100,000 directory entries)")

// TestPagingRequestCounts measures the search round trips a listing takes
// at page size 1000 (Active Directory's MaxPageSize): ⌈entries / 1000⌉, the
// last page's empty cookie ending the search without an extra request.
func TestPagingRequestCounts(t *testing.T) {
	t.Parallel()
	// (TestPaging checks an exact multiple of the page size.)
	cases := []struct{ entries, want int }{{2500, 3}}
	if !*long {
		t.Log("the 100,000-entry case runs with -long (go test ./ldapdir/ -run PagingRequestCounts -long)")
	} else {
		// Also measured by connector's BenchmarkLDAPRun (searches/run at
		// 100,000 entries); about 40s under -race, so only with -long.
		cases = append(cases, struct{ entries, want int }{100_000, 100})
	}
	for _, tc := range cases {
		dir := ldaptest.Generated{N: tc.entries, Make: func(i int) ldaptest.Entry {
			return ldaptest.Entry{DN: "CN=u" + strconv.Itoa(i) + ",DC=corp,DC=example,DC=com", Attributes: map[string][]string{"objectClass": {"user"}}}
		}}
		srv := ldaptest.Start(t, dir, ldaptest.Options{})
		f := false
		s := &ldapdir.Search{Config: ldapdir.Config{URL: srv.URL, StartTLS: &f, BaseDN: "DC=corp,DC=example,DC=com", Filter: "(objectClass=user)", PageSize: 1000}}
		var st transport.Stats
		n := 0
		for p, err := range s.Pages(transport.WithStats(t.Context(), &st)) {
			if err != nil {
				t.Fatal(err)
			}
			n += len(p.Records)
		}
		if got := st.Snapshot().Requests; got != tc.want || n != tc.entries || srv.Searches() != tc.want {
			t.Errorf("%d entries: %d requests (%d searches served), %d records; want %d requests", tc.entries, got, srv.Searches(), n, tc.want)
		}
		t.Logf("%d entries at page size 1000: %d search requests", tc.entries, st.Snapshot().Requests)
	}
}
