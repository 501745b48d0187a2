package connector

import (
	"errors"
	"testing"
	"testing/synctest"

	"github.com/saasconnect/saasconnect"
)

func TestRunResource(t *testing.T) {
	tests := []struct {
		r        Resource
		wantKept int
	}{
		{ResourceUsers, 3}, {ResourceLicenses, 2}, {ResourceApplications, 2}, {ResourceAssignments, 3},
	}
	for _, tt := range tests {
		t.Run(string(tt.r), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tn := newTenant()
				c := newTenantConnector(t, tn)
				got := 0
				rep, err := c.RunResource(t.Context(), tt.r, Sinks{
					Users:        func(saasconnect.User) error { got++; return nil },
					Licenses:     func(saasconnect.License) error { got++; return nil },
					Applications: func(saasconnect.Application) error { got++; return nil },
					Assignments:  func(saasconnect.Assignment) error { got++; return nil },
				})
				if err != nil || rep.Status != Succeeded || rep.Resource != tt.r || rep.Kept != tt.wantKept || got != tt.wantKept {
					t.Fatalf("RunResource(%s) = %+v, %v; %d records, want %d", tt.r, rep, err, got, tt.wantKept)
				}
				tn.mu.Lock()
				defer tn.mu.Unlock()
				for path, n := range tn.requests {
					if path != "/oauth/token" && n > 0 && !pathOf(tt.r, path) {
						t.Errorf("RunResource(%s) requested %s", tt.r, path)
					}
				}
			})
		})
	}
	c, err := New(MustParseTemplate([]byte(`{"version": 1, "name": "x", "request": {"users_url": "https://x.test/u"}, "response": {"fields": {"id": "id"}}}`)), "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RunResource(t.Context(), ResourceLicenses, Sinks{}); !errors.Is(err, ErrNotDeclared) {
		t.Errorf("undeclared licenses: err %v, want ErrNotDeclared", err)
	}
}

// pathOf reports whether a tenant path belongs to resource r.
func pathOf(r Resource, path string) bool {
	return map[Resource]string{ResourceUsers: "/users", ResourceLicenses: "/licenses", ResourceApplications: "/apps", ResourceAssignments: "/assignments"}[r] == path
}
