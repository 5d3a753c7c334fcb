// Package unanswered decides what a create that got no answer from
// Hellgate may have left behind, and what to tell the user about it, as
// functions of Hellgate's answers and the times they were sent, with no
// framework and no requests of its own. The provider makes the calls (the
// repeat of the create with its idempotency key, the revoke of the key it
// returns, the listing) and keeps the placeholder in state; this package
// says whether the repeat's key is the original, which listed keys to
// name, and the outcome's words.
//
// Times: the attempt window is measured by the provider's clock, while
// Hellgate stamps created_at by its own. Every comparison is made on
// Hellgate's clock, through the offset the client measured from the Date
// headers of its answers; without one, the window is widened by ClockSkew
// either way and never gives an all-clear. A window that a placeholder
// keeps for a later run, perhaps on another machine, is moved to
// Hellgate's clock by the offset of the run that attempted the create, as
// no other run's offset says anything of that run's clock.
package unanswered

import (
	"fmt"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// ClockSkew is how far Hellgate's clock is taken to be from the
// provider's when no answer of Hellgate's carried a Date header to measure
// it by.
const ClockSkew = time.Minute

// clockMargin widens a window judged on Hellgate's clock, for rounding:
// created_at and the Date header are not stamped at the same instant, nor
// to the same precision.
const clockMargin = time.Second

// Create is a create that may have made a key on Hellgate without the
// provider learning of it.
type Create struct {
	// In is the create as it was sent: scopes sorted, expires_in, and the
	// idempotency key.
	In hellgate.CreateAPIKeyInput
	// From and Until bound when the key was made, if it was: from just
	// before the first attempt was sent to just after the last one ended,
	// by the clock Clock says.
	From, Until time.Time
	// Clock is the clock of From and Until.
	Clock WindowClock
	// RepeatedAtOnce is set when the create is repeated in the same run,
	// with the same credential, right after it failed: the idempotency
	// record then answers with the original key, if there is one.
	RepeatedAtOnce bool
	// Offset bounds Hellgate's clock minus this run's, as the client
	// measured it; OffsetKnown is false when no answer carried a Date.
	Offset      hellgate.ClockOffset
	OffsetKnown bool
}

// WindowClock is the clock by which a Create's From and Until were
// measured.
type WindowClock int

const (
	// ThisRun is this run's clock: Offset moves the window to
	// Hellgate's.
	ThisRun WindowClock = iota
	// HellgatesClock is Hellgate's: the window was moved to it, and
	// widened by the bounds of the offset, by the run that attempted the
	// create, and needs no offset more.
	HellgatesClock
	// UnmeasuredClock is the clock of an earlier run, perhaps on another
	// machine, that had not measured Hellgate's: no offset of this run's
	// applies to it, so it is widened by ClockSkew either way.
	UnmeasuredClock
)

// ServerWindow is the attempt window by Hellgate's clock, by which it
// stamps created_at: widened by the bounds of the measured offset, or,
// when the clock of the window was not measured, by ClockSkew either way.
func (c Create) ServerWindow() (from, until time.Time) {
	switch {
	case c.Clock == HellgatesClock:
		return c.From, c.Until
	case c.Clock == ThisRun && c.OffsetKnown:
		from, _ = c.Offset.ToServer(c.From)
		_, until = c.Offset.ToServer(c.Until)
		return from.Add(-clockMargin), until.Add(clockMargin)
	default:
		return c.From.Add(-ClockSkew), c.Until.Add(ClockSkew)
	}
}

// windowMeasured reports whether the attempt window is known on
// Hellgate's clock, rather than guessed at with ClockSkew.
func (c Create) windowMeasured() bool {
	return c.Clock == HellgatesClock || c.Clock == ThisRun && c.OffsetKnown
}

// MadeWithin reports whether a key created at t (by Hellgate's clock) may
// be the one this create made.
func (c Create) MadeWithin(t time.Time) bool {
	from, until := c.ServerWindow()
	return !t.Before(from) && !t.After(until)
}

// MadeBefore reports whether a key created at t (by Hellgate's clock) was
// certainly made before the provider's time sent, judged on Hellgate's
// clock: false when the offset is unknown.
func (c Create) MadeBefore(t, sent time.Time) bool {
	return c.OffsetKnown && t.Before(sent.Add(c.Offset.Min-clockMargin))
}

// IsOriginal reports whether the key a repeat of the create returned,
// created at createdAt (by Hellgate's clock), is the key the create made.
// It is when it was made while the create was attempted and either the
// repeat came at once in the same run, or the key was stamped before the
// repeat was sent (at repeated, by the provider's clock): a new key would
// be stamped with the repeat's time.
func (c Create) IsOriginal(createdAt, repeated time.Time) bool {
	return c.MadeWithin(createdAt) && (c.RepeatedAtOnce || c.MadeBefore(createdAt, repeated))
}

// Window describes the attempt window for messages, by Hellgate's clock
// (the clock of created_at, and of the created_after and created_before
// filters) when it was measured.
func (c Create) Window() string {
	from, until := c.ServerWindow()
	w := fmt.Sprintf("between %s and %s", formatTime(from), formatTime(until))
	switch {
	case c.windowMeasured():
	case c.Clock == UnmeasuredClock:
		w += " (by the clock of the machine that ran the create, widened by a minute either way: no answer of Hellgate's " +
			"had said then what time its clock shows)"
	default:
		w += " (by this machine's clock, widened by a minute either way: no answer of Hellgate's said what time its clock shows)"
	}
	return w
}

// windowStart is the start of the attempt window, for messages.
func (c Create) windowStart() string {
	from, _ := c.ServerWindow()
	return formatTime(from)
}

// formatTime writes t as the provider writes timestamps: RFC 3339, UTC.
func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}
