package hellgate

// Hellgate's clock as seen from the client: every answer's Date header,
// set against the client's clock when the request was sent and when the
// answer arrived, bounds how far Hellgate's clock is from the client's, so
// that a created_at can be compared with times the client measured
// without trusting that this machine's clock is set right.

import (
	"net/http"
	"sync"
	"time"
)

// ClockOffset bounds Hellgate's clock minus the client's: Hellgate's time
// is the client's plus an offset between Min and Max.
type ClockOffset struct {
	Min, Max time.Duration
}

// ToServer returns the earliest and the latest time by Hellgate's clock
// that t, by the client's clock, may be.
func (o ClockOffset) ToServer(t time.Time) (earliest, latest time.Time) {
	return t.Add(o.Min), t.Add(o.Max)
}

// serverClock holds the narrowest offset the answers so far agree on.
type serverClock struct {
	mu     sync.Mutex
	offset ClockOffset
	known  bool
}

// note records one answer: its Date header (whole seconds, so Hellgate's
// time when it wrote the answer lies in [date, date+1s)), the client's
// time just before the request was sent and just after the answer came.
// Hellgate wrote the answer between the two, so its clock minus the
// client's lies in [date-received, date+1s-sent]. Answers that agree
// narrow the bounds; one that disagrees with them (a clock was set
// meanwhile) replaces them.
func (s *serverClock) note(date string, sent, received time.Time) {
	if date == "" {
		return
	}
	d, err := http.ParseTime(date)
	if err != nil {
		return
	}
	o := ClockOffset{Min: d.Sub(received), Max: d.Add(time.Second).Sub(sent)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.known {
		n := ClockOffset{Min: max(o.Min, s.offset.Min), Max: min(o.Max, s.offset.Max)}
		if n.Min <= n.Max {
			o = n
		}
	}
	s.offset, s.known = o, true
}

// ServerClockOffset returns the bounds on Hellgate's clock minus the
// client's, from the Date headers of the answers this client received;
// ok is false when no answer carried a Date header.
func (c *Client) ServerClockOffset() (o ClockOffset, ok bool) {
	c.serverClock.mu.Lock()
	defer c.serverClock.mu.Unlock()
	return c.serverClock.offset, c.serverClock.known
}
