package connector_test

import (
	"context"
	"fmt"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
)

func ExampleSchedule_Next() {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	s := connector.Schedule{Enabled: true, Daily: "02:30", Location: berlin}

	// On 29 March 2026 Berlin skips from 02:00 to 03:00: the run happens
	// when the gap ends.
	fmt.Println(s.Next(time.Date(2026, 3, 28, 12, 0, 0, 0, berlin)))
	// On 25 October 2026 02:30 happens twice: the run is at the first one,
	// and only once.
	first := s.Next(time.Date(2026, 10, 24, 12, 0, 0, 0, berlin))
	fmt.Println(first)
	fmt.Println(s.Next(first))
	// Output:
	// 2026-03-29 03:00:00 +0200 CEST
	// 2026-10-25 02:30:00 +0200 CEST
	// 2026-10-26 02:30:00 +0100 CET
}

func ExampleConsolidate() {
	seen := func(day int) time.Time { return time.Date(2026, 1, day, 0, 0, 0, 0, time.UTC) }
	eu := []saasconnect.User{
		{ID: "17", Email: "Ann@Example.com", Name: "Ann Lee", Department: "Ops", LastActivity: seen(3)},
		{ID: "18", Email: "bob@example.com", LastActivity: seen(1)},
	}
	us := []saasconnect.User{
		{ID: "901", Email: "ann@example.com", Title: "CTO", LastActivity: seen(9)},
	}
	for _, u := range connector.Consolidate(eu, us) {
		fmt.Println(u.ID, u.Email, u.Name, u.Department, u.Title, u.LastActivity.Format(time.DateOnly))
	}
	// Output:
	// 901 ann@example.com Ann Lee Ops CTO 2026-01-09
	// 18 bob@example.com    2026-01-01
}

func ExampleScheduler() {
	s := &connector.Scheduler{HistorySize: 30}
	err := s.Add(connector.Job{
		Name:     "okta-acme",
		Schedule: connector.DefaultSchedule(), // daily at 23:00 local time
		Run: func(ctx context.Context) (connector.Report, error) {
			// Usually connector.ConnectorJob(c, schedule, each) builds this.
			return connector.Report{Status: connector.Succeeded}, nil
		},
	})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_ = s.Run(ctx) // blocks until ctx ends; History("okta-acme") is the execution log
	fmt.Println(s.Jobs())
	// Output: [okta-acme]
}
