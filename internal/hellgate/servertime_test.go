package hellgate

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// The offset of Hellgate's clock comes from the Date headers of its
// answers, against the client's clock, with the second the header drops.
func TestServerClockOffset(t *testing.T) {
	var date atomic.Pointer[string]
	setDate := func(d string) { date.Store(&d) }
	setDate(clockStart.Add(-90 * time.Second).Format(http.TimeFormat))
	client, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if d := *date.Load(); d != "" {
			w.Header()["Date"] = []string{d}
		} else {
			w.Header()["Date"] = nil // net/http adds none
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":[]}`))
	}))
	if _, ok := client.ServerClockOffset(); ok {
		t.Fatal("an offset is known before any answer")
	}
	if _, err := client.ListAPIKeys(t.Context(), ListAPIKeysInput{}); err != nil {
		t.Fatal(err)
	}
	o, ok := client.ServerClockOffset()
	if want := (ClockOffset{Min: -90 * time.Second, Max: -89 * time.Second}); !ok || o != want {
		t.Errorf("offset %+v (known %v), want %+v", o, ok, want)
	}

	setDate("")
	if _, err := client.ListAPIKeys(t.Context(), ListAPIKeysInput{}); err != nil {
		t.Fatal(err)
	}
	if o2, _ := client.ServerClockOffset(); o2 != o {
		t.Errorf("an answer without a Date header changed the offset to %+v", o2)
	}
}

// Answers that agree narrow the bounds; one that disagrees (a clock was
// set) replaces them.
func TestServerClockNote(t *testing.T) {
	var s serverClock
	at := func(d time.Duration) time.Time { return clockStart.Add(d) }
	s.note(at(10*time.Second).Format(http.TimeFormat), at(0), at(2*time.Second))
	if want := (ClockOffset{Min: 8 * time.Second, Max: 11 * time.Second}); s.offset != want {
		t.Fatalf("first answer: %+v, want %+v", s.offset, want)
	}
	s.note(at(12*time.Second).Format(http.TimeFormat), at(3*time.Second), at(3*time.Second))
	if want := (ClockOffset{Min: 9 * time.Second, Max: 10 * time.Second}); s.offset != want {
		t.Errorf("narrowed: %+v, want %+v", s.offset, want)
	}
	s.note(at(time.Hour).Format(http.TimeFormat), at(4*time.Second), at(4*time.Second))
	if want := (ClockOffset{Min: time.Hour - 4*time.Second, Max: time.Hour - 3*time.Second}); s.offset != want {
		t.Errorf("after the clock moved: %+v, want %+v", s.offset, want)
	}
	s.note("not a date", at(0), at(0))
	if !s.known || s.offset.Min != time.Hour-4*time.Second {
		t.Errorf("an unreadable Date changed the offset: %+v", s.offset)
	}
}

// DeleteAPIKeyOnce sends one attempt whatever the retry policy, and a 404
// it cannot judge from what the client knows sends nothing more.
func TestDeleteAPIKeyOnce(t *testing.T) {
	var requests atomic.Int32
	client, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.URL.Path == "/api/admin/api-keys/"+goneID {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // sent after a stop: the caller detaches it
	ctx = context.WithoutCancel(ctx)
	if err := client.DeleteAPIKeyOnce(ctx, liveID); err == nil || requests.Load() != 1 {
		t.Errorf("a 503: error %v after %d requests, want an error after 1", err, requests.Load())
	}
	requests.Store(0)
	err := client.DeleteAPIKeyOnce(ctx, goneID)
	if err == nil || IsNotFound(err) || requests.Load() != 1 {
		t.Errorf("an undecided 404: error %v (not found: %v) after %d requests, want an error that is not a not-found, after 1",
			err, IsNotFound(err), requests.Load())
	}
}

const (
	liveID = "6f1c1b1e-7a53-4c8e-9d0a-1b2c3d4e5f60"
	goneID = "0e9d8c7b-6a59-4847-b6a5-a4b3c2d1e0f9"
)
