package clock

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

var start = time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)

func TestRealSleep(t *testing.T) {
	t.Parallel()
	c := Real()
	if err := c.Sleep(t.Context(), time.Millisecond); err != nil {
		t.Errorf("Sleep(1ms) = %v", err)
	}
	if err := c.Sleep(t.Context(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	// A cancelled wait returns at once, not after an hour.
	if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if err := c.Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep(0) on a cancelled context = %v, want context.Canceled", err)
	}
	before := time.Now()
	if now := c.Now(); now.Before(before.Add(-time.Minute)) {
		t.Errorf("Now() = %v, want the system time", now)
	}
	if _, ok := OrReal(nil).(realClock); !ok {
		t.Error("OrReal(nil) is not the system clock")
	}
	f := NewFake(start)
	if OrReal(f) != f {
		t.Error("OrReal(f) is not f")
	}
}

func TestFakeMovesOnlyWhenTold(t *testing.T) {
	t.Parallel()
	f := NewFake(start)
	if got := f.Now(); !got.Equal(start) {
		t.Fatalf("Now() = %v, want %v", got, start)
	}
	f.Advance(90 * time.Second)
	if got := f.Now(); !got.Equal(start.Add(90 * time.Second)) {
		t.Errorf("after Advance(90s) Now() = %v", got)
	}
	f.Set(start.Add(-time.Hour))
	if got := f.Now(); !got.Equal(start.Add(-time.Hour)) {
		t.Errorf("after Set Now() = %v", got)
	}
}

func TestFakeSleepWakesWhenTheClockPassesTheWait(t *testing.T) {
	t.Parallel()
	f := NewFake(start)
	done := make(chan error, 1)
	go func() { done <- f.Sleep(t.Context(), 10*time.Second) }()

	if err := f.WaitForSleepers(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	f.Advance(9 * time.Second)
	if n := f.Sleepers(); n != 1 {
		t.Fatalf("after 9s of a 10s wait, sleepers = %d, want 1", n)
	}
	select {
	case err := <-done:
		t.Fatalf("Sleep returned %v after 9s of a 10s wait", err)
	default:
	}
	f.Advance(time.Second)
	if err := <-done; err != nil {
		t.Errorf("Sleep = %v, want nil", err)
	}
	if n := f.Sleepers(); n != 0 {
		t.Errorf("sleepers = %d after the wake-up, want 0", n)
	}
	if got := f.Slept(); !slices.Equal(got, []time.Duration{10 * time.Second}) {
		t.Errorf("Slept() = %v, want [10s]", got)
	}
}

func TestFakeSleepEndsWithTheContext(t *testing.T) {
	t.Parallel()
	f := NewFake(start)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.Sleep(ctx, time.Hour) }()
	if err := f.WaitForSleepers(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep = %v, want context.Canceled", err)
	}
	if n := f.Sleepers(); n != 0 {
		t.Errorf("a cancelled sleeper is still counted: %d", n)
	}
	if !f.Now().Equal(start) {
		t.Errorf("a cancelled wait moved the clock to %v", f.Now())
	}
	// Waits of zero or less and waits on an ended context return at once,
	// and are recorded.
	if err := f.Sleep(t.Context(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
	if err := f.Sleep(ctx, time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on an ended context = %v", err)
	}
	if got := f.Slept(); !slices.Equal(got, []time.Duration{time.Hour, 0, time.Second}) {
		t.Errorf("Slept() = %v, want [1h 0s 1s]", got)
	}
}

func TestFakeAutoAdvance(t *testing.T) {
	t.Parallel()
	f := NewFake(start)
	f.SetAutoAdvance(true)
	for _, d := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if err := f.Sleep(t.Context(), d); err != nil {
			t.Fatalf("Sleep(%v) = %v", d, err)
		}
	}
	if got := f.Now(); !got.Equal(start.Add(7 * time.Second)) {
		t.Errorf("Now() = %v, want start+7s", got)
	}
	if got := f.Slept(); !slices.Equal(got, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}) {
		t.Errorf("Slept() = %v", got)
	}

	// A sleeper already blocked wakes when auto-advance moves past it.
	f.SetAutoAdvance(false)
	done := make(chan error, 1)
	go func() { done <- f.Sleep(t.Context(), 5*time.Second) }()
	if err := f.WaitForSleepers(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	f.SetAutoAdvance(true)
	if err := f.Sleep(t.Context(), 6*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("blocked Sleep = %v", err)
	}
}

// Many goroutines sleep different waits at once; advancing step by step
// wakes exactly those whose wait has passed. Run with -race.
func TestFakeConcurrentSleepers(t *testing.T) {
	t.Parallel()
	f := NewFake(start)
	const n = 20
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		woken []int
	)
	for i := 1; i <= n; i++ {
		wg.Go(func() {
			if err := f.Sleep(t.Context(), time.Duration(i)*time.Second); err != nil {
				t.Errorf("sleeper %d: %v", i, err)
				return
			}
			mu.Lock()
			woken = append(woken, i)
			mu.Unlock()
		})
	}
	if err := f.WaitForSleepers(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	for step := 1; step <= n; step++ {
		f.Advance(time.Second)
		if got, want := f.Sleepers(), n-step; got != want {
			t.Fatalf("after %ds: sleepers = %d, want %d", step, got, want)
		}
		_ = f.Now()
	}
	wg.Wait()
	if len(woken) != n {
		t.Errorf("woken = %v, want all %d", woken, n)
	}
}

func TestWaitForSleepersEndsWithTheContext(t *testing.T) {
	t.Parallel()
	f := NewFake(start)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := f.WaitForSleepers(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitForSleepers = %v, want context.Canceled", err)
	}
	if err := f.WaitForSleepers(ctx, 0); err != nil {
		t.Errorf("WaitForSleepers(0) = %v, want nil", err)
	}
}
