// Package clock is the one source of time for the client, the mock cluster
// and the provider: the system clock in production, and a fake one that
// tests set and advance by hand, so that nothing waits on the wall clock to
// test expiry, retries or backoff.
package clock

import (
	"context"
	"time"
)

// Clock tells the time and waits.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d, or until ctx is done, whichever comes first. It
	// returns ctx.Err() when ctx ended the wait (or had already ended), nil
	// otherwise. A d of zero or less does not wait.
	Sleep(ctx context.Context, d time.Duration) error
}

// Real returns the system clock.
func Real() Clock { return realClock{} }

// OrReal returns c, or the system clock when c is nil, for the many places
// where a nil Clock in a configuration means "the system clock".
func OrReal(c Clock) Clock {
	if c == nil {
		return realClock{}
	}
	return c
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
