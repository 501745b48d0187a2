package connector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/saasconnect/saasconnect"
)

// Job is one scheduled unit of work for a [Scheduler]: usually a connector
// run (see [ConnectorJob]), but any function that returns a Report will do.
type Job struct {
	// Name identifies the job; it must be unique within a Scheduler.
	Name string
	// Schedule says when the job runs. A disabled schedule never runs.
	Schedule Schedule
	// Run does the work. It gets a context that ends when the Scheduler's
	// context ends. It must return a Report; a non-nil error with a Report
	// whose Status is empty marks the run Failed.
	Run func(ctx context.Context) (Report, error)
}

// ConnectorJob returns a Job that runs c on schedule s, handing every user
// to each (which may be nil to discard them, e.g. when a WithProgress
// callback is enough). The job is named after the connector instance.
func ConnectorJob(c *Connector, s Schedule, each func(saasconnect.User) error) Job {
	if each == nil {
		each = func(saasconnect.User) error { return nil }
	}
	return Job{
		Name:     c.Name(),
		Schedule: s,
		Run: func(ctx context.Context) (Report, error) {
			return c.Run(ctx, each)
		},
	}
}

// DefaultHistorySize is the number of Reports a Scheduler keeps per job
// when Scheduler.HistorySize is zero.
const DefaultHistorySize = 10

// Scheduler runs many jobs on their schedules until its context ends.
//
// Each job has its own goroutine, so one job never delays another, and a
// job never runs twice at once: runs of one job happen one after another.
// When a run overruns its next slot (a daily run that takes more than a
// day), the missed slots are skipped: the next run is the first slot after
// the overrunning run finished. A panic in a job is recovered and recorded
// as a Failed Report whose Err starts with "panic:"; the stack goes to the
// Logger. The last HistorySize Reports of every job are kept (the execution
// log, see History).
//
// Set the exported fields before calling Run; the methods are safe for
// concurrent use.
type Scheduler struct {
	// HistorySize is the number of Reports kept per job; 0 means
	// DefaultHistorySize.
	HistorySize int
	// Now is the clock used to compute the next slot; nil means time.Now.
	// Waiting uses the runtime's timers, so tests run the Scheduler
	// inside a testing/synctest bubble to fake both.
	Now func() time.Time
	// Logger receives one Info record per finished run and an Error record
	// with the stack for each recovered panic; nil means slog.Default().
	Logger *slog.Logger
	// OnReport, when set, is called after every run with its Report and
	// error, from the job's goroutine (one call at a time per job).
	OnReport func(job string, r Report, err error)

	mu      sync.Mutex
	jobs    map[string]*jobState
	order   []string
	running bool
	ctx     context.Context // set while Run is running
	wg      sync.WaitGroup
}

type jobState struct {
	job     Job
	history []Report // oldest first, at most HistorySize
	busy    bool
}

// Add registers j. It is an error to add a job with an empty or duplicate
// name, a nil Run, or an invalid schedule. A job added while Run is running
// starts at once (its first run is its next slot).
func (s *Scheduler) Add(j Job) error {
	if j.Name == "" {
		return errors.New("scheduler: job has no name")
	}
	if j.Run == nil {
		return fmt.Errorf("scheduler: job %q: nil Run", j.Name)
	}
	if err := j.Schedule.Validate(); err != nil {
		return fmt.Errorf("scheduler: job %q: %w", j.Name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.jobs[j.Name]; dup {
		return fmt.Errorf("scheduler: job %q already added", j.Name)
	}
	if s.jobs == nil {
		s.jobs = make(map[string]*jobState)
	}
	st := &jobState{job: j}
	s.jobs[j.Name] = st
	s.order = append(s.order, j.Name)
	if s.running {
		s.start(s.ctx, st)
	}
	return nil
}

// Jobs returns the names of the registered jobs, in the order they were
// added.
func (s *Scheduler) Jobs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.order...)
}

// History returns the kept Reports of the named job, oldest first (nil for
// an unknown job or one that has not run). The slice is a copy.
func (s *Scheduler) History(name string) []Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.jobs[name]
	if st == nil {
		return nil
	}
	return append([]Report(nil), st.history...)
}

// Running reports whether the named job is running right now.
func (s *Scheduler) Running(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.jobs[name]
	return st != nil && st.busy
}

// Run runs the jobs on their schedules until ctx ends, then waits for the
// runs in progress (which see ctx end) and returns context.Cause(ctx). It is
// an error to call Run while another call is running.
func (s *Scheduler) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return errors.New("scheduler: already running")
	}
	s.running, s.ctx = true, ctx
	for _, name := range s.order {
		s.start(ctx, s.jobs[name])
	}
	s.mu.Unlock()

	<-ctx.Done()
	s.mu.Lock()
	s.running, s.ctx = false, nil
	s.mu.Unlock()
	s.wg.Wait()
	return context.Cause(ctx)
}

// start launches st's loop; s.mu must be held.
func (s *Scheduler) start(ctx context.Context, st *jobState) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.loop(ctx, st)
	}()
}

func (s *Scheduler) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Scheduler) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// loop waits for each slot of st's schedule and runs the job.
func (s *Scheduler) loop(ctx context.Context, st *jobState) {
	var last time.Time // the last slot run; guards against a clock that stands still
	for {
		now := s.now()
		if now.Before(last) {
			now = last
		}
		next := st.job.Schedule.Next(now)
		if next.IsZero() { // disabled
			<-ctx.Done()
			return
		}
		timer := time.NewTimer(next.Sub(s.now()))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		last = next
		s.runOnce(ctx, st)
		if ctx.Err() != nil {
			return
		}
	}
}

// runOnce runs the job once, recovering a panic, and records the Report.
func (s *Scheduler) runOnce(ctx context.Context, st *jobState) {
	name := st.job.Name
	s.mu.Lock()
	st.busy = true
	s.mu.Unlock()

	started := s.now()
	rep, err := s.call(ctx, st.job)
	if rep.Connector == "" {
		rep.Connector = name
	}
	if rep.Started.IsZero() {
		rep.Started = started
	}
	if rep.Finished.IsZero() {
		rep.Finished = s.now()
	}
	if rep.Status == "" {
		rep.Status = Succeeded
		if err != nil {
			rep.Status = Failed
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				rep.Status = Cancelled
			}
		}
	}
	if err != nil && rep.Err == "" {
		rep.Err = err.Error()
	}

	size := s.HistorySize
	if size <= 0 {
		size = DefaultHistorySize
	}
	s.mu.Lock()
	st.busy = false
	st.history = append(st.history, rep)
	if over := len(st.history) - size; over > 0 {
		st.history = append(st.history[:0:0], st.history[over:]...)
	}
	s.mu.Unlock()

	s.logger().LogAttrs(ctx, slog.LevelInfo, "scheduled run finished",
		slog.String("job", name), slog.String("status", string(rep.Status)),
		slog.Int("kept", rep.Kept), slog.Duration("duration", rep.Finished.Sub(rep.Started)))
	if s.OnReport != nil {
		s.OnReport(name, rep, err)
	}
}

// call runs j, turning a panic into a Failed Report and an error.
func (s *Scheduler) call(ctx context.Context, j Job) (rep Report, err error) {
	defer func() {
		if v := recover(); v != nil {
			s.logger().LogAttrs(ctx, slog.LevelError, "scheduled run panicked",
				slog.String("job", j.Name), slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			err = fmt.Errorf("panic: %v", v)
			rep = Report{Connector: j.Name, Status: Failed, Err: err.Error()}
		}
	}()
	return j.Run(ctx)
}
