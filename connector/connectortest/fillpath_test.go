package connectortest

import (
	"testing"

	"github.com/saasconnect/saasconnect/connector"
)

func TestFillPath(t *testing.T) {
	t.Parallel()
	settings := connector.Settings{"tenant": "contoso.onmicrosoft.com", "app": "a b"}
	tests := []struct{ path, want string }{
		{"/oauth/token", "/oauth/token"},
		{"/{tenant}/oauth2/v2.0/token", "/contoso.onmicrosoft.com/oauth2/v2.0/token"},
		{"/OAuth2/Token/{app}", "/OAuth2/Token/a%20b"},
		{"/{unknown}/x", "/{unknown}/x"},
	}
	for _, tc := range tests {
		if got := fillPath(tc.path, settings); got != tc.want {
			t.Errorf("fillPath(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}
