package activity_test

import (
	"fmt"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/activity"
)

func Example() {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	after, err := activity.ParseInactiveAfter("90d")
	if err != nil {
		panic(err)
	}
	c := activity.Classifier{InactiveAfter: after, Now: func() time.Time { return now }}

	users := []saasconnect.User{
		{Email: "ann@example.com", LastActivity: now.Add(-2 * time.Hour)},
		{Email: "bob@example.com", LastActivity: now.AddDate(0, -6, 0)},
		{Email: "cid@example.com"}, // the vendor reports activity; Cid has none
	}
	var sum activity.Summary
	for _, u := range users {
		c.Apply(&u, true)
		sum.Add(u)
		fmt.Println(u.Email, u.Activity)
	}
	fmt.Println(sum)
	fmt.Println(sum.Oldest.Format(time.DateOnly), sum.Newest.Format(time.DateOnly))
	// Output:
	// ann@example.com active
	// bob@example.com inactive
	// cid@example.com never
	// 1 active, 1 inactive, 1 never, 0 unknown
	// 2026-05-25 2026-11-25
}

func ExampleParseInactiveAfter() {
	for _, s := range []string{"", "720h", "90d", "1d12h", "soon"} {
		d, err := activity.ParseInactiveAfter(s)
		fmt.Println(d, err)
	}
	// Output:
	// 720h0m0s <nil>
	// 720h0m0s <nil>
	// 2160h0m0s <nil>
	// 36h0m0s <nil>
	// 0s activity: invalid inactive_after "soon": want a duration like "720h" or days like "90d"
}
