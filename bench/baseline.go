// Package bench measures the SDK against the obvious alternative, a
// hand-written net/http + encoding/json loop for the same API, and against
// injected faults. The measurements are benchmarks and tests (go test
// ./bench/ -bench .); this file holds the hand-written baseline they compare
// with. RESULTS.md has the figures and the commands that reproduce them.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/saasconnect/saasconnect"
)

// Baseline is what an engineer would write by hand to list the users of
// connectortest's fake vendor with offset paging: one typed struct per
// record, encoding/json, a status switch, time.Parse, and the same
// filter and activity rules as the fake vendor's template. It delivers the
// same users as the SDK connector does, in the same order.
//
// A Baseline is safe for concurrent use: each Run is its own walk. Its
// fields must not change while a Run is in progress.
type Baseline struct {
	Client   *http.Client
	BaseURL  string // the server's base_url setting
	PageSize int    // records per page
	Now      time.Time
	Name     string // User.Connector
}

// vendorUser is the fake vendor's record, typed.
type vendorUser struct {
	ID      string `json:"id"`
	Email   string `json:"email"`
	Type    string `json:"type"`
	Status  string `json:"status"`
	Role    string `json:"role"`
	Profile struct {
		FirstName   string `json:"first_name"`
		LastName    string `json:"last_name"`
		DisplayName string `json:"display_name"`
		Department  string `json:"department"`
		Title       string `json:"title"`
	} `json:"profile"`
	LastActivityAt *string `json:"last_activity_at"`
	Seat           string  `json:"seat"`
}

type vendorPage struct {
	Data  []vendorUser `json:"data"`
	Total *int         `json:"total"`
}

// Run walks every page and calls each for every kept user. It returns the
// number of HTTP requests sent. Errors name the page's offset.
func (b *Baseline) Run(ctx context.Context, each func(saasconnect.User) error) (requests int, err error) {
	limit := strconv.Itoa(b.PageSize)
	for offset := 0; ; offset += b.PageSize {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.BaseURL+"/users?limit="+limit+"&offset="+strconv.Itoa(offset), nil)
		if err != nil {
			return requests, err
		}
		req.Header.Set("Accept", "application/json")
		resp, err := b.Client.Do(req)
		requests++
		if err != nil {
			return requests, fmt.Errorf("offset %d: %w", offset, err)
		}
		var page vendorPage
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return requests, fmt.Errorf("offset %d: %s", offset, resp.Status)
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return requests, fmt.Errorf("offset %d: %w", offset, err)
		}
		for i := range page.Data {
			r := &page.Data[i]
			if r.Type != "User" {
				continue
			}
			u, err := b.user(r)
			if err != nil {
				return requests, fmt.Errorf("offset %d, record %d: %w", offset, i, err)
			}
			if err := each(u); err != nil {
				return requests, err
			}
		}
		if len(page.Data) < b.PageSize || page.Total != nil && offset+b.PageSize >= *page.Total {
			return requests, nil
		}
	}
}

func (b *Baseline) user(r *vendorUser) (saasconnect.User, error) {
	u := saasconnect.User{
		ID: r.ID, Email: r.Email, Name: r.Profile.DisplayName,
		FirstName: r.Profile.FirstName, LastName: r.Profile.LastName,
		Role: r.Role, Department: r.Profile.Department, Title: r.Profile.Title,
		Application: "Fake App", Connector: b.Name,
		Extra: map[string]any{"seat": r.Seat},
	}
	switch r.Status {
	case "ACTIVE":
		u.Status = saasconnect.StatusActive
	case "SUSPENDED":
		u.Status = saasconnect.StatusSuspended
	case "DEPROVISIONED":
		u.Status = saasconnect.StatusDeprovisioned
	default:
		u.Status = saasconnect.StatusUnknown
	}
	u.Activity = saasconnect.ActivityNever
	if r.LastActivityAt != nil {
		t, err := time.Parse(time.RFC3339, *r.LastActivityAt)
		if err != nil {
			return u, err
		}
		u.LastActivity = t.UTC()
		u.Activity = saasconnect.ActivityActive
		if b.Now.Sub(t) > 30*24*time.Hour {
			u.Activity = saasconnect.ActivityInactive
		}
	}
	return u, nil
}
