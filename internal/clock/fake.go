package clock

// The fake clock: time stands still until a test sets or advances it, and
// sleepers wake when it passes their deadline.

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Fake is a Clock whose time moves only when Set or Advance move it (or, in
// auto-advance mode, when something sleeps). It records every wait asked of
// it, so a test can assert the exact waits, and lets a test wait until
// something sleeps on it. It is safe for concurrent use.
type Fake struct {
	mu          sync.Mutex
	now         time.Time
	sleepers    []*sleeper
	slept       []time.Duration
	autoAdvance bool
	changed     chan struct{} // closed and replaced whenever sleepers change
}

type sleeper struct {
	until time.Time
	done  chan struct{}
}

// NewFake returns a fake clock that reads start until it is moved.
func NewFake(start time.Time) *Fake {
	return &Fake{now: start, changed: make(chan struct{})}
}

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Set moves the clock to t (backwards too) and wakes every sleeper whose
// wait has passed.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = t
	f.wakeLocked()
}

// Advance moves the clock forward by d and wakes every sleeper whose wait
// has passed.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	f.wakeLocked()
}

// SetAutoAdvance turns auto-advance on or off. While it is on, Sleep does
// not block: it moves the clock forward by the wait, as if the wait had
// passed at once, and returns (unless ctx has ended).
func (f *Fake) SetAutoAdvance(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.autoAdvance = on
}

// Sleep records d and blocks until the clock reaches Now()+d or ctx ends.
func (f *Fake) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.slept = append(f.slept, d)
	if d <= 0 || ctx.Err() != nil {
		f.mu.Unlock()
		return ctx.Err()
	}
	if f.autoAdvance {
		f.now = f.now.Add(d)
		f.wakeLocked()
		f.mu.Unlock()
		return nil
	}
	s := &sleeper{until: f.now.Add(d), done: make(chan struct{})}
	f.sleepers = append(f.sleepers, s)
	f.notifyLocked()
	f.mu.Unlock()

	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		f.mu.Lock()
		defer f.mu.Unlock()
		select {
		case <-s.done:
			return nil // woken at the same moment: the wait did pass
		default:
		}
		f.sleepers = slices.DeleteFunc(f.sleepers, func(o *sleeper) bool { return o == s })
		f.notifyLocked()
		return ctx.Err()
	}
}

// Slept returns every wait asked of Sleep so far, in order, including
// those of zero or less and those that ctx cut short.
func (f *Fake) Slept() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.slept)
}

// Sleepers returns how many callers are blocked in Sleep now.
func (f *Fake) Sleepers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sleepers)
}

// WaitForSleepers blocks until at least n callers are blocked in Sleep, or
// ctx ends (then it returns ctx.Err()). Tests use it to advance the clock
// only once the code under test has started to wait.
func (f *Fake) WaitForSleepers(ctx context.Context, n int) error {
	for {
		f.mu.Lock()
		if len(f.sleepers) >= n {
			f.mu.Unlock()
			return nil
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// wakeLocked releases the sleepers whose wait has passed. f.mu is held.
func (f *Fake) wakeLocked() {
	n := len(f.sleepers)
	f.sleepers = slices.DeleteFunc(f.sleepers, func(s *sleeper) bool {
		if f.now.Before(s.until) {
			return false
		}
		close(s.done)
		return true
	})
	if len(f.sleepers) != n {
		f.notifyLocked()
	}
}

// notifyLocked tells WaitForSleepers that the sleepers changed. f.mu is held.
func (f *Fake) notifyLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}
