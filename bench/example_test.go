package bench_test

import (
	"context"
	"fmt"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/bench"
	"github.com/saasconnect/saasconnect/connector/connectortest"
)

// The hand-written baseline lists the fake vendor's users with a typed
// struct and encoding/json; the benchmarks compare the SDK connector with it.
func ExampleBaseline() {
	s := connectortest.NewServer(connectortest.ServerConfig{Users: 250, PageSize: 100, Pagination: connectortest.PaginateOffset})
	defer s.Close()
	b := &bench.Baseline{Client: s.Client(), BaseURL: s.Settings()["base_url"], PageSize: 100, Now: s.Config().Now, Name: "fake"}
	var first saasconnect.User
	n := 0
	requests, err := b.Run(context.Background(), func(u saasconnect.User) error {
		if n == 0 {
			first = u
		}
		n++
		return nil
	})
	fmt.Println(n, requests, err)
	fmt.Println(first.ID, first.Email, first.Status, first.Activity)
	// Output:
	// 236 3 <nil>
	// u00000000 user00000000@example.com active inactive
}
