package saasconnect_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/saasconnect/saasconnect"
)

func ExampleUser() {
	u := saasconnect.User{
		ID:           "00u1",
		Email:        "Ada@Example.com",
		Status:       saasconnect.StatusActive,
		LastActivity: time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC),
		Activity:     saasconnect.ActivityActive,
	}
	b, _ := json.Marshal(u)
	fmt.Println(string(b))
	fmt.Println(u.Key())
	// Output:
	// {"id":"00u1","email":"Ada@Example.com","status":"active","last_activity":"2026-11-02T09:30:00Z","activity":"active"}
	// ada@example.com
}

func ExampleParseStatus() {
	s, err := saasconnect.ParseStatus("Suspended")
	fmt.Println(s, err)
	_, err = saasconnect.ParseStatus("gone")
	fmt.Println(err)
	// Output:
	// suspended <nil>
	// saasconnect: unknown status "gone" (want one of active, pending, inactive, suspended, deprovisioned, unknown)
}
