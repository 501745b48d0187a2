package connector

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/saasconnect/saasconnect/internal/fakevendor"
	"github.com/saasconnect/saasconnect/paginate"
)

// TestPagingInPOSTBody pages a CyberArk-Redrock-style POST API whose page
// number lives in the JSON body, with a placeholder in the body and a 503 on
// page 2 (the body is replayed on retry).
func TestPagingInPOSTBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var bodies []map[string]any
		failed := false
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var body map[string]any
			if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&body) != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			mu.Lock()
			bodies = append(bodies, body)
			args := body["Args"].(map[string]any)
			page := int(args["PageNumber"].(float64))
			size := int(args["PageSize"].(float64))
			if page == 2 && !failed {
				failed = true
				mu.Unlock()
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			mu.Unlock()
			var rows []any
			for i := (page-1)*size + 1; i <= min(page*size, 5); i++ {
				rows = append(rows, map[string]any{"Row": map[string]any{"ID": fmt.Sprint(i), "Email": fmt.Sprintf("u%d@example.com", i)}})
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"success": true, "Result": map[string]any{"Count": 5, "Results": rows}})
		})
		tmpl := Template{
			Version:  1,
			Name:     "Redrock",
			Declared: []Setting{{Name: "base_url", Default: "https://tenant.example.com"}, {Name: "table", Default: "User"}},
			Request: RequestSpec{
				UsersURL: "{base_url}/Redrock/query",
				Method:   "POST",
				Body:     map[string]any{"Script": "Select ID, Email from {table}", "Args": map[string]any{"PageNumber": 1, "PageSize": 2, "Caching": -1}},
			},
			Pagination: paginate.Config{Type: paginate.PageNumber, In: "body", PageField: "Args.PageNumber", PageSizeField: "Args.PageSize", PageSize: 2},
			Response:   ResponseSpec{RecordsPath: "Result.Results[*].Row", Fields: map[string]string{"id": "ID", "email": "Email"}},
		}
		c, err := New(tmpl, "rr", nil, WithHTTPClient(&http.Client{Transport: fakevendor.HandlerTransport(h)}),
			WithRetry(RetryPolicy{MinWait: time.Second, MaxWait: time.Second}))
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		users, rep, err := collect(t, c, t.Context())
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if diff := cmp.Diff(seq(5), ids(users)); diff != "" {
			t.Errorf("ids(users) (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(1, rep.Retries); diff != "" {
			t.Errorf("rep.Retries (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(3, rep.Pages); diff != "" {
			t.Errorf("rep.Pages (-want +got):\n%s", diff)
		}
		if len(bodies) != 4 {
			t.Fatalf("len(bodies) = %d, want %d", len(bodies), 4)
		}
		if diff := cmp.Diff("Select ID, Email from User", bodies[0]["Script"]); diff != "" {
			t.Errorf("bodies[0][\"Script\"] (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(bodies[1], bodies[2]); diff != "" {
			t.Errorf("the retried body is the same (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(float64(3), bodies[3]["Args"].(map[string]any)["PageNumber"]); diff != "" {
			t.Errorf("bodies[3][\"Args\"].(map[string]any)[\"PageNumber\"] (-want +got):\n%s", diff)
		}
	})
}
