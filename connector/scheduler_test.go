package connector

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func quietScheduler() *Scheduler {
	return &Scheduler{Logger: slog.New(slog.DiscardHandler)}
}

func daily(hhmm string) Schedule {
	return Schedule{Enabled: true, Daily: hhmm, Location: time.UTC}
}

func TestSchedulerRunsOnScheduleAndKeepsHistory(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		start := time.Now() // the bubble's fake clock: 2000-01-01T00:00:00Z
		s := quietScheduler()
		s.HistorySize = 3
		var runs atomic.Int32
		err := s.Add(Job{Name: "okta", Schedule: daily("01:00"), Run: func(ctx context.Context) (Report, error) {
			n := runs.Add(1)
			return Report{Status: Succeeded, Kept: int(n)}, nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 5*24*time.Hour+2*time.Hour)
		defer cancel()
		if err := s.Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Run() = %v, want context.DeadlineExceeded", err)
		}
		if got := runs.Load(); got != 6 {
			t.Errorf("job ran %d times in 5 days 2 hours from midnight, want 6", got)
		}
		h := s.History("okta")
		if len(h) != 3 {
			t.Fatalf("History() has %d reports, want 3 (HistorySize)", len(h))
		}
		for i, r := range h {
			wantKept := 4 + i
			wantStart := start.Add(time.Duration(wantKept-1)*24*time.Hour + time.Hour)
			if r.Kept != wantKept || !r.Started.Equal(wantStart) || r.Connector != "okta" || r.Status != Succeeded {
				t.Errorf("History()[%d] = %+v, want Kept %d started %v", i, r, wantKept, wantStart)
			}
		}
		if s.History("nope") != nil {
			t.Errorf("History(unknown) != nil")
		}
	})
}

func TestSchedulerNeverOverlapsAndSkipsMissedSlots(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		s := quietScheduler()
		var inFlight, maxInFlight atomic.Int32
		var starts []time.Time // written by the job goroutine only; read after Run returns
		err := s.Add(Job{Name: "slow", Schedule: daily("01:00"), Run: func(ctx context.Context) (Report, error) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			if n > maxInFlight.Load() {
				maxInFlight.Store(n)
			}
			starts = append(starts, time.Now())
			select { // a run that takes 30 hours overruns the next slot
			case <-time.After(30 * time.Hour):
			case <-ctx.Done():
				return Report{}, ctx.Err()
			}
			return Report{Status: Succeeded}, nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 5*24*time.Hour)
		defer cancel()
		_ = s.Run(ctx)
		if m := maxInFlight.Load(); m != 1 {
			t.Errorf("max concurrent runs = %d, want 1", m)
		}
		// Runs start Jan 1 01:00 (ends Jan 2 07:00: Jan 2's slot is
		// skipped), Jan 3 01:00 (ends Jan 4 07:00), Jan 5 01:00 (cancelled).
		want := []time.Time{start.Add(time.Hour), start.Add(49 * time.Hour), start.Add(97 * time.Hour)}
		if len(starts) != len(want) {
			t.Fatalf("runs started at %v, want %v", starts, want)
		}
		for i := range want {
			if !starts[i].Equal(want[i]) {
				t.Errorf("run %d started at %v, want %v", i, starts[i], want[i])
			}
		}
		h := s.History("slow")
		if len(h) != 3 || h[2].Status != Cancelled {
			t.Errorf("History() = %+v, want 3 reports, the last Cancelled", h)
		}
	})
}

func TestSchedulerRecoversPanics(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := quietScheduler()
		var calls atomic.Int32
		var reported atomic.Int32
		s.OnReport = func(job string, r Report, err error) {
			if job == "boom" {
				reported.Add(1)
			}
		}
		_ = s.Add(Job{Name: "boom", Schedule: daily("00:30"), Run: func(context.Context) (Report, error) {
			if calls.Add(1) == 1 {
				panic("kaboom")
			}
			return Report{Status: Succeeded}, nil
		}})
		_ = s.Add(Job{Name: "plain-error", Schedule: daily("00:45"), Run: func(context.Context) (Report, error) {
			return Report{}, errors.New("vendor down")
		}})
		_ = s.Add(Job{Name: "off", Schedule: Schedule{Daily: "00:10"}, Run: func(context.Context) (Report, error) {
			t.Error("disabled job ran")
			return Report{}, nil
		}})
		ctx, cancel := context.WithTimeout(t.Context(), 36*time.Hour)
		defer cancel()
		_ = s.Run(ctx)
		h := s.History("boom")
		if len(h) != 2 || h[0].Status != Failed || !strings.HasPrefix(h[0].Err, "panic: kaboom") || h[1].Status != Succeeded {
			t.Errorf("History(boom) = %+v, want a Failed panic report then a Succeeded one", h)
		}
		if n := reported.Load(); n != 2 {
			t.Errorf("OnReport called %d times for boom, want 2", n)
		}
		h = s.History("plain-error")
		if len(h) != 2 || h[0].Status != Failed || h[0].Err != "vendor down" {
			t.Errorf("History(plain-error) = %+v, want Failed reports with Err", h)
		}
		if got := s.History("off"); len(got) != 0 {
			t.Errorf("History(off) = %+v, want none", got)
		}
	})
}

func TestSchedulerAddWhileRunning(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := quietScheduler()
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- s.Run(ctx) }()
		synctest.Wait()
		if err := s.Run(ctx); err == nil {
			t.Error("second concurrent Run succeeded, want error")
		}
		ran := make(chan struct{}, 1)
		if err := s.Add(Job{Name: "late", Schedule: daily("03:00"), Run: func(context.Context) (Report, error) {
			ran <- struct{}{}
			return Report{}, nil
		}}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3*time.Hour + time.Minute)
		synctest.Wait()
		select {
		case <-ran:
		default:
			t.Error("job added while running did not run at its slot")
		}
		if s.Running("late") {
			t.Error("Running(late) = true after the run finished")
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run() = %v, want context.Canceled", err)
		}
		if got := s.Jobs(); len(got) != 1 || got[0] != "late" {
			t.Errorf("Jobs() = %v", got)
		}
	})
}

func TestSchedulerAddErrors(t *testing.T) {
	t.Parallel()
	run := func(context.Context) (Report, error) { return Report{}, nil }
	s := quietScheduler()
	if err := s.Add(Job{Name: "a", Schedule: daily("10:00"), Run: run}); err != nil {
		t.Fatal(err)
	}
	for _, j := range []Job{
		{Name: "", Schedule: daily("10:00"), Run: run},
		{Name: "a", Schedule: daily("10:00"), Run: run},
		{Name: "b", Schedule: daily("10:00")},
		{Name: "c", Schedule: daily("10h00"), Run: run},
	} {
		if err := s.Add(j); err == nil {
			t.Errorf("Add(%q, %q) succeeded, want error", j.Name, j.Schedule.Daily)
		}
	}
}

func TestConnectorJob(t *testing.T) {
	t.Parallel()
	tmpl, err := ParseTemplate([]byte(`{"version":1,"slug":"x","name":"X","settings":[{"name":"base_url","default":"http://127.0.0.1:9"}],
		"request":{"users_url":"{base_url}/users"},"response":{"fields":{"id":"id"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(tmpl, "acme-x", Settings{})
	if err != nil {
		t.Fatal(err)
	}
	j := ConnectorJob(c, daily("05:00"), nil)
	if j.Name != "acme-x" || j.Schedule.Daily != "05:00" || j.Run == nil {
		t.Errorf("ConnectorJob() = %+v", j)
	}
	rep, _ := j.Run(t.Context())
	if rep.Connector != "acme-x" {
		t.Errorf("job run report connector = %q, want acme-x", rep.Connector)
	}
}
