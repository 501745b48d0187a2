package connector_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/connector/connectortest"
	"github.com/saasconnect/saasconnect/internal/ldaptest"
	"github.com/saasconnect/saasconnect/internal/redact/redacttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resumeServer is a fake vendor of 23 users (one bot, dropped by the
// filter) in pages of 5, with the given paging.
func resumeServer(t *testing.T, p connectortest.Pagination, auth connectortest.Auth) *connectortest.Server {
	t.Helper()
	srv := connectortest.NewServer(connectortest.ServerConfig{Users: 23, PageSize: 5, Pagination: p, Auth: auth})
	t.Cleanup(srv.Close)
	return srv
}

// newResumeConnector builds a connector reading srv, as a new process
// would: from the same template, name and settings.
func newResumeConnector(t *testing.T, srv *connectortest.Server, opts ...connector.Option) *connector.Connector {
	t.Helper()
	opts = append([]connector.Option{connector.WithHTTPClient(srv.Client()), connector.WithClock(func() time.Time { return connectortest.DefaultNow })}, opts...)
	c, err := connector.New(srv.Template(), "fake", srv.Settings(), opts...)
	require.NoError(t, err)
	return c
}

// userKeys returns the keys of users, in order.
func userKeys(users []saasconnect.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Key()
	}
	return out
}

// TestPagesResumeEveryPagination: for every paging style, a walk stopped
// after page k and resumed from its serialised checkpoint by a new
// Connector delivers every user exactly once, with as many requests as one
// full walk, and page numbers and keys that continue the run.
func TestPagesResumeEveryPagination(t *testing.T) {
	for _, p := range connectortest.Paginations() {
		t.Run(string(p), func(t *testing.T) {
			srv := resumeServer(t, p, connectortest.AuthAPIKey)
			want := userKeys(srv.Users())
			before := srv.Requests()
			var full []connector.Page
			for page, err := range newResumeConnector(t, srv).Pages(t.Context(), connector.Checkpoint{}) {
				require.NoError(t, err)
				full = append(full, page)
			}
			fullRequests := srv.Requests() - before
			require.NotEmpty(t, full)
			require.True(t, full[len(full)-1].Checkpoint.Done())
			for k := 1; k <= len(full); k++ {
				t.Run(fmt.Sprintf("stop after page %d", k), func(t *testing.T) {
					before := srv.Requests()
					var got []saasconnect.User
					var keys []string
					var saved []byte
					for page, err := range newResumeConnector(t, srv).Pages(t.Context(), connector.Checkpoint{}) {
						require.NoError(t, err)
						got = append(got, page.Users...)
						keys = append(keys, page.Key)
						assert.Equal(t, len(keys), page.Number)
						if page.Number == k {
							saved, err = page.Checkpoint.MarshalText()
							require.NoError(t, err)
							break
						}
					}
					var cp connector.Checkpoint
					require.NoError(t, cp.UnmarshalText(saved))
					assert.Equal(t, k, cp.Pages())
					if k == 1 {
						raw, err := cp.MarshalBinary()
						require.NoError(t, err)
						t.Logf("%s: checkpoint after page 1: %d bytes, %d as text", p, len(raw), len(saved))
					}
					for page, err := range newResumeConnector(t, srv).Pages(t.Context(), cp) {
						require.NoError(t, err)
						got = append(got, page.Users...)
						keys = append(keys, page.Key)
						assert.Equal(t, len(keys), page.Number)
						assert.True(t, strings.HasPrefix(page.Key, "fake/"+cp.RunID()+"/"), page.Key)
					}
					assert.Equal(t, want, userKeys(got), "every user exactly once")
					assert.Equal(t, fullRequests, srv.Requests()-before, "requests")
					assert.Len(t, keys, len(full))
					assert.Len(t, uniq(keys), len(keys), "page keys are distinct")
				})
			}
		})
	}
}

func uniq(s []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return m
}

// TestPageKeyStableAcrossResume: a page delivered again by a walk resumed
// from the checkpoint before it has the same key and users.
func TestPageKeyStableAcrossResume(t *testing.T) {
	for _, p := range []connectortest.Pagination{connectortest.PaginateOffset, connectortest.PaginateCursor, connectortest.PaginateNextURL} {
		t.Run(string(p), func(t *testing.T) {
			srv := resumeServer(t, p, connectortest.AuthNone)
			var pages []connector.Page
			for page, err := range newResumeConnector(t, srv).Pages(t.Context(), connector.NewCheckpoint("run-7")) {
				require.NoError(t, err)
				pages = append(pages, page)
				if len(pages) == 3 {
					break
				}
			}
			assert.Equal(t, "fake/run-7/", pages[0].Key[:len("fake/run-7/")])
			// The sink crashed after storing page 2 but before saving its
			// checkpoint: resume from page 1's.
			for page, err := range newResumeConnector(t, srv).Pages(t.Context(), pages[0].Checkpoint) {
				require.NoError(t, err)
				assert.Equal(t, pages[1].Key, page.Key)
				assert.Equal(t, pages[1].Number, page.Number)
				assert.Equal(t, userKeys(pages[1].Users), userKeys(page.Users))
				break
			}
		})
	}
}

// TestRunFromSegmentsMerge: a run cut after page k (the context ends) and
// continued with RunFrom from Report.Checkpoint adds up, through
// Report.Merge, to the Report of one full run.
func TestRunFromSegmentsMerge(t *testing.T) {
	for _, p := range connectortest.Paginations() {
		t.Run(string(p), func(t *testing.T) {
			srv := resumeServer(t, p, connectortest.AuthNone)
			before := srv.Requests()
			var all []saasconnect.User
			fullRep, err := newResumeConnector(t, srv).Run(t.Context(), func(u saasconnect.User) error { all = append(all, u); return nil })
			require.NoError(t, err)
			fullRequests := srv.Requests() - before
			assert.True(t, fullRep.Checkpoint.Done())

			before = srv.Requests()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			cut := newResumeConnector(t, srv, connector.WithProgress(func(pr connector.Progress) {
				if pr.Pages == 1 {
					cancel()
				}
			}))
			var got []saasconnect.User
			collect := func(u saasconnect.User) error { got = append(got, u); return nil }
			rep1, err := cut.Run(ctx, collect)
			if fullRep.Pages == 1 {
				// One page: the walk ended before it could see the cancel.
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, context.Canceled)
				assert.Equal(t, connector.Cancelled, rep1.Status)
			}
			assert.Equal(t, 1, rep1.Checkpoint.Pages())
			text, err := rep1.Checkpoint.MarshalText()
			require.NoError(t, err)
			var cp connector.Checkpoint
			require.NoError(t, cp.UnmarshalText(text))
			rep2, err := newResumeConnector(t, srv).RunFrom(t.Context(), cp, collect)
			require.NoError(t, err)
			merged := connector.Report{}.Merge(rep1).Merge(rep2)

			assert.Equal(t, userKeys(all), userKeys(got))
			assert.Equal(t, fullRequests, srv.Requests()-before)
			assert.Equal(t, connector.Succeeded, merged.Status)
			assert.True(t, merged.Walked)
			assert.Empty(t, merged.Err)
			assert.Equal(t, fullRep.Requests, merged.Requests)
			assert.Equal(t, fullRep.Pages, merged.Pages)
			assert.Equal(t, fullRep.Seen, merged.Seen)
			assert.Equal(t, fullRep.Kept, merged.Kept)
			assert.Equal(t, fullRep.Filtered, merged.Filtered)
			assert.Equal(t, fullRep.Activity, merged.Activity)
			assert.Equal(t, fullRep.Statuses, merged.Statuses)
			assert.Equal(t, rep1.Started, merged.Started)
			assert.True(t, merged.Checkpoint.Done())
		})
	}
}

// TestReportMergeStatus: the merged status is the run's as a whole.
func TestReportMergeStatus(t *testing.T) {
	recErr := errors.New("page 1, record 0: bad")
	tests := []struct {
		name        string
		first, next connector.Report
		want        connector.RunStatus
	}{
		{"walked, clean", connector.Report{Kept: 3, Status: connector.Cancelled}, connector.Report{Kept: 2, Walked: true, Status: connector.Succeeded}, connector.Succeeded},
		{"walked, an earlier record error", connector.Report{Kept: 3, RecordErrors: []error{recErr}, Status: connector.Partial}, connector.Report{Kept: 2, Walked: true, Status: connector.Succeeded}, connector.Partial},
		{"later segment failed after earlier users", connector.Report{Kept: 3, Status: connector.Cancelled}, connector.Report{Status: connector.Failed, Err: "x"}, connector.Partial},
		{"nothing delivered", connector.Report{Status: connector.Cancelled}, connector.Report{Status: connector.Failed, Err: "x"}, connector.Failed},
		{"cancelled", connector.Report{Kept: 3, Status: connector.Succeeded}, connector.Report{Status: connector.Cancelled, Err: "x"}, connector.Cancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.first.Merge(tt.next)
			assert.Equal(t, tt.want, got.Status)
			assert.Equal(t, tt.first.Kept+tt.next.Kept, got.Kept)
			if tt.want != connector.Succeeded {
				assert.NotEmpty(t, got.Err)
			}
		})
	}
}

// TestCheckpointMismatch: a checkpoint is refused, before any request, by
// a connector with another name, template or setting value; a rotated
// secret keeps it valid.
func TestCheckpointMismatch(t *testing.T) {
	srv := resumeServer(t, connectortest.PaginateLinkHeader, connectortest.AuthAPIKey)
	var cp connector.Checkpoint
	for page, err := range newResumeConnector(t, srv).Pages(t.Context(), connector.Checkpoint{}) {
		require.NoError(t, err)
		cp = page.Checkpoint
		break
	}
	build := func(name string, edit func(*connector.Template, connector.Settings)) *connector.Connector {
		tmpl, s := srv.Template(), srv.Settings()
		if edit != nil {
			edit(&tmpl, s)
		}
		c, err := connector.New(tmpl, name, s, connector.WithHTTPClient(srv.Client()))
		require.NoError(t, err)
		return c
	}
	for name, c := range map[string]*connector.Connector{
		"another name":      build("other", nil),
		"another page size": build("fake", func(t *connector.Template, _ connector.Settings) { t.Pagination.PageSize = 7 }),
		"another users_url": build("fake", func(t *connector.Template, _ connector.Settings) { t.Request.UsersURL += "?x=1" }),
		"another base_url":  build("fake", func(_ *connector.Template, s connector.Settings) { s["base_url"] += "/" }),
		"another header": build("fake", func(t *connector.Template, _ connector.Settings) {
			t.Request.Headers = map[string]string{"X-Tenant": "b"}
		}),
	} {
		t.Run(name, func(t *testing.T) {
			before := srv.Requests()
			n := 0
			for _, err := range c.Pages(t.Context(), cp) {
				n++
				require.ErrorIs(t, err, connector.ErrCheckpointMismatch)
				assert.Contains(t, err.Error(), "checkpoint is for another template or settings")
			}
			assert.Equal(t, 1, n)
			for _, err := range c.UsersFrom(t.Context(), cp) {
				require.ErrorIs(t, err, connector.ErrCheckpointMismatch)
			}
			rep, err := c.RunFrom(t.Context(), cp, func(saasconnect.User) error { return nil })
			require.ErrorIs(t, err, connector.ErrCheckpointMismatch)
			assert.Equal(t, connector.Failed, rep.Status)
			assert.Equal(t, before, srv.Requests(), "no request")
		})
	}
	t.Run("rotated secret", func(t *testing.T) {
		rotated := build("fake", func(_ *connector.Template, s connector.Settings) { s["api_key"] = "rotated-key" })
		for _, err := range rotated.Pages(t.Context(), cp) {
			// The fake vendor refuses the new key; the checkpoint itself is accepted.
			require.ErrorIs(t, err, connector.ErrUnauthorized)
		}
	})
	t.Run("damaged bytes", func(t *testing.T) {
		b, err := cp.MarshalBinary()
		require.NoError(t, err)
		var back connector.Checkpoint
		require.ErrorIs(t, back.UnmarshalBinary(b[:len(b)-2]), connector.ErrCheckpointMismatch)
		require.ErrorIs(t, back.UnmarshalBinary(append([]byte{7}, b[1:]...)), connector.ErrCheckpointMismatch)
		require.NoError(t, back.UnmarshalBinary(b))
		assert.Equal(t, cp.String(), back.String())
	})
}

// TestCheckpointHoldsNoSecret: for every secret the redaction corpus
// pushes through a vendor, the checkpoints of the pages delivered (bytes,
// text and fmt) hold none of them.
func TestCheckpointHoldsNoSecret(t *testing.T) {
	for _, tc := range redacttest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			base, settings := tc.Start(t)
			tmpl, err := connector.ParseTemplate([]byte(tc.Template(base)))
			require.NoError(t, err)
			c, err := connector.New(tmpl, "leaky", settings, connector.WithRetry(connector.RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			checked := 0
			for page, err := range c.Pages(t.Context(), connector.Checkpoint{}) {
				if err != nil {
					break
				}
				checked++
				b, err := page.Checkpoint.MarshalBinary()
				require.NoError(t, err)
				text, err := page.Checkpoint.MarshalText()
				require.NoError(t, err)
				for _, out := range []string{string(b), string(text), fmt.Sprintf("%v %+v %#v %s", page.Checkpoint, page.Checkpoint, page.Checkpoint, page.Checkpoint)} {
					assert.Empty(t, tc.Leaks(out))
				}
			}
			if tc.FirstPageOK {
				assert.Positive(t, checked, "a page's checkpoint was checked")
			}
		})
	}
}

// TestLDAPCheckpoint: an LDAP walk hands out checkpoints, but resuming
// one that is not Done is refused (the paged-results cookie belongs to its
// connection); a Done one yields nothing.
func TestLDAPCheckpoint(t *testing.T) {
	t.Parallel()
	srv, c := adConnector(t, 2500, ldaptest.Options{}, nil)
	var pages []connector.Page
	for page, err := range c.Pages(t.Context(), connector.Checkpoint{}) {
		require.NoError(t, err)
		pages = append(pages, page)
	}
	require.Len(t, pages, 3)
	assert.Equal(t, 3, srv.Searches())
	for page, err := range c.Pages(t.Context(), pages[0].Checkpoint) {
		assert.Empty(t, page.Users)
		require.ErrorIs(t, err, connector.ErrNotResumable)
	}
	rep, err := c.Run(t.Context(), func(saasconnect.User) error { return nil })
	require.NoError(t, err)
	require.True(t, rep.Checkpoint.Done())
	searches := srv.Searches()
	n := 0
	for range c.UsersFrom(t.Context(), rep.Checkpoint) {
		n++
	}
	assert.Zero(t, n)
	assert.Equal(t, searches, srv.Searches())
}
