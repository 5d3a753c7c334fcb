package unanswered

// The id of the placeholder that the resource keeps in state for a create
// that got no answer. Terraform keeps no private state for a failed
// create, so the id carries what the next apply needs to find that key
// again: the create's idempotency key and the attempt window, on
// Hellgate's clock when the run that attempted the create had measured it.
// The next apply may run on another machine, with a clock off by another
// amount, so its own offset says nothing of the clock the window was
// measured by.

import (
	"strings"
	"time"
)

// PlaceholderIDPrefix starts the id of a placeholder:
// unanswered-create:<idempotency key>@<from>/<until>;clock=<clock> (RFC
// 3339, the window widened to whole seconds), where clock is "hellgate"
// for a window moved to Hellgate's clock by the offset the attempting run
// measured, or "unmeasured" for one by that run's clock, which no answer
// of Hellgate's had measured.
const PlaceholderIDPrefix = "unanswered-create:"

// The clocks a placeholder's window may be on, as its id names them.
const (
	hellgateClockName   = "hellgate"
	unmeasuredClockName = "unmeasured"
	clockField          = ";clock="
)

// PlaceholderID is the id of the placeholder of c: its window by
// Hellgate's clock when c's is known on it (c.ServerWindow of a window by
// this run's clock and a measured offset), and otherwise as measured,
// marked unmeasured.
func (c Create) PlaceholderID() string {
	from, until, clock := c.From, c.Until, unmeasuredClockName
	if c.windowMeasured() {
		from, until = c.ServerWindow()
		clock = hellgateClockName
	}
	return PlaceholderIDPrefix + c.In.IdempotencyKey + "@" +
		from.UTC().Truncate(time.Second).Format(time.RFC3339) + "/" +
		until.UTC().Add(time.Second-time.Nanosecond).Truncate(time.Second).Format(time.RFC3339) +
		clockField + clock
}

// IsPlaceholderID reports whether id is that of a placeholder.
func IsPlaceholderID(id string) bool {
	return strings.HasPrefix(id, PlaceholderIDPrefix)
}

// ParsePlaceholderID reads the idempotency key, the attempt window and
// its clock from a placeholder's id; ok is false for anything
// PlaceholderID does not write.
func ParsePlaceholderID(id string) (c Create, ok bool) {
	rest, ok := strings.CutPrefix(id, PlaceholderIDPrefix)
	if !ok {
		return c, false
	}
	ik, rest, ok := strings.Cut(rest, "@")
	if !ok || ik == "" {
		return c, false
	}
	c.In.IdempotencyKey = ik
	window, clock, ok := strings.Cut(rest, clockField)
	switch {
	case !ok:
		return c, false
	case clock == hellgateClockName:
		c.Clock = HellgatesClock
	case clock == unmeasuredClockName:
		c.Clock = UnmeasuredClock
	default:
		return c, false
	}
	from, until, _ := strings.Cut(window, "/")
	var err1, err2 error
	c.From, err1 = time.Parse(time.RFC3339, from)
	c.Until, err2 = time.Parse(time.RFC3339, until)
	return c, err1 == nil && err2 == nil && !c.Until.Before(c.From)
}
