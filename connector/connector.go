package connector

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/saasconnect/saasconnect"
)

// Connector is a compiled Template bound to settings: it lists a vendor's
// users. It is safe for concurrent use by multiple goroutines; each Users,
// Run or Test call is an independent walk.
type Connector struct {
	name string
	tmpl Template
	opts options
}

// New validates t, checks that s holds every required setting, and compiles
// the template into a Connector named name (the instance name reported in
// User.Connector and Report.Connector).
func New(t Template, name string, s Settings, opts ...Option) (*Connector, error) {
	o := defaultOptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("connector %q: %w", name, err)
		}
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("connector %q: %w", name, err)
	}
	return &Connector{name: name, tmpl: t, opts: o}, nil
}

// Name returns the connector's instance name.
func (c *Connector) Name() string { return c.name }

// Template returns the template the connector was compiled from.
func (c *Connector) Template() Template { return c.tmpl }

var errNotImplemented = errors.New("connector: not implemented yet")

// Users returns an iterator over the vendor's users.
func (c *Connector) Users(ctx context.Context) iter.Seq2[saasconnect.User, error] {
	return func(yield func(saasconnect.User, error) bool) {
		yield(saasconnect.User{}, errNotImplemented)
	}
}

// Run lists the users, calls each for every one, and returns the report.
func (c *Connector) Run(ctx context.Context, each func(saasconnect.User) error) (Report, error) {
	now := c.opts.now()
	return Report{Connector: c.name, Started: now, Finished: now, Status: Failed, Err: errNotImplemented.Error()}, errNotImplemented
}

// Test makes one authenticated request (the first page) and explains what
// went wrong.
func (c *Connector) Test(ctx context.Context) error { return errNotImplemented }
