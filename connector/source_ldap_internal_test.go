package connector

import (
	"errors"
	"testing"

	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/ldapdir"
)

// TestExplainLDAP covers the classifications the in-process directory
// cannot provoke (the client compiles the filter first; the server grants
// every read).
func TestExplainLDAP(t *testing.T) {
	t.Parallel()
	c := &Connector{name: "ad", redact: transport.NewRedactor(nil), ldap: &ldapdir.Search{Config: ldapdir.Config{BaseDN: "DC=corp"}}}
	tests := []struct {
		err  error
		want Problem
	}{
		{&ldapdir.Error{Op: ldapdir.OpSearch, Code: 87, Diagnostic: "bad filter", Err: errors.New("x")}, ProblemFilter},
		{&ldapdir.Error{Op: ldapdir.OpSearch, Code: 201, Err: errors.New("filter compile")}, ProblemFilter},
		{&ldapdir.Error{Op: ldapdir.OpSearch, Code: 50, Err: errors.New("x")}, ProblemCredentials},
		{&ldapdir.Error{Op: ldapdir.OpStartTLS, Code: 200, Err: errors.New("unsupported extended operation")}, ProblemTLS},
		{&ldapdir.Error{Op: ldapdir.OpBind, Code: 53, Err: errors.New("unwilling")}, ProblemCredentials},
		{&ldapdir.Error{Op: ldapdir.OpSearch, Code: 4, Err: errors.New("x")}, ProblemOther},
		{errors.New("not an ldap error"), ProblemOther},
	}
	for _, tc := range tests {
		var te *TestError
		if err := c.explainLDAP(tc.err); !errors.As(err, &te) || te.Problem != tc.want {
			t.Errorf("explainLDAP(%v) = %v, want problem %s", tc.err, err, tc.want)
		}
	}
}
