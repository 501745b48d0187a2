package connector_test

import (
	"context"
	"fmt"

	"github.com/saasconnect/saasconnect/connector"
)

// ExampleConnector_Pages walks a listing page by page, keeps the
// checkpoint after the first page as a sink would (with the page's users,
// under the page's key), and lets another Connector, as a new process
// would build it, continue the run from the stored checkpoint.
func ExampleConnector_Pages() {
	srv := seatsAPI()
	defer srv.Close()
	t, _ := connector.ParseTemplate([]byte(seatsTemplate))
	settings := connector.Settings{"org": "acme", "base_url": srv.URL, "api_key": "s3cr3t-token"}
	ctx := context.Background()

	c, _ := connector.New(t, "seats-acme", settings)
	var saved []byte // a database column, a workflow heartbeat
	for page, err := range c.Pages(ctx, connector.NewCheckpoint("run-1")) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(page.Key[:len("seats-acme/run-1/1")], len(page.Users), "user(s)")
		saved, _ = page.Checkpoint.MarshalText()
		break // the process stops here
	}

	// Later, elsewhere: the same template, name and settings.
	var from connector.Checkpoint
	if err := from.UnmarshalText(saved); err != nil {
		fmt.Println(err)
		return
	}
	again, _ := connector.New(t, "seats-acme", settings)
	for page, err := range again.Pages(ctx, from) {
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, u := range page.Users {
			fmt.Println("page", page.Number, u.Name, "done:", page.Checkpoint.Done())
		}
	}
	// Output:
	// seats-acme/run-1/1 1 user(s)
	// page 2 grace done: true
}
