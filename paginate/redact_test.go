package paginate

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestPageErrorURLPolicy: a PageError's URL follows the SDK's one
// redaction policy: secret parameters (sid, session_token, x-api-key)
// hidden, the others (page) readable, and its message agrees.
func TestPageErrorURLPolicy(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, "https://h.example/users?sid=S1&session_token=T0k&x-api-key=K3y&page=2", nil)
	if err != nil {
		t.Fatal(err)
	}
	const want = "https://h.example/users?sid=[REDACTED]&session_token=[REDACTED]&x-api-key=[REDACTED]&page=2"
	pe := pageError(2, req, errors.New("boom")).(*PageError)
	if pe.URL != want {
		t.Errorf("URL = %q, want %q", pe.URL, want)
	}
	for _, leak := range []string{"S1", "T0k", "K3y"} {
		if strings.Contains(pe.Error(), leak) {
			t.Errorf("message %q holds %q", pe.Error(), leak)
		}
	}
}
