package unanswered

// The id of the placeholder that the resource keeps in state for a create
// that got no answer. Terraform keeps no private state for a failed
// create, so the id carries what the next apply needs to find that key
// again: the create's idempotency key and the attempt window.

import (
	"strings"
	"time"
)

// PlaceholderIDPrefix starts the id of a placeholder:
// unanswered-create:<idempotency key>@<from>/<until> (RFC 3339, the window
// widened to whole seconds).
const PlaceholderIDPrefix = "unanswered-create:"

// PlaceholderID is the id of the placeholder of c.
func (c Create) PlaceholderID() string {
	return PlaceholderIDPrefix + c.In.IdempotencyKey + "@" +
		c.From.UTC().Truncate(time.Second).Format(time.RFC3339) + "/" +
		c.Until.UTC().Add(time.Second-time.Nanosecond).Truncate(time.Second).Format(time.RFC3339)
}

// IsPlaceholderID reports whether id is that of a placeholder.
func IsPlaceholderID(id string) bool {
	return strings.HasPrefix(id, PlaceholderIDPrefix)
}

// ParsePlaceholderID reads the idempotency key and the attempt window from
// a placeholder's id; ok is false for anything PlaceholderID does not
// write.
func ParsePlaceholderID(id string) (c Create, ok bool) {
	rest, ok := strings.CutPrefix(id, PlaceholderIDPrefix)
	if !ok {
		return c, false
	}
	ik, window, ok := strings.Cut(rest, "@")
	if !ok || ik == "" {
		return c, false
	}
	c.In.IdempotencyKey = ik
	from, until, _ := strings.Cut(window, "/")
	var err1, err2 error
	c.From, err1 = time.Parse(time.RFC3339, from)
	c.Until, err2 = time.Parse(time.RFC3339, until)
	return c, err1 == nil && err2 == nil && !c.Until.Before(c.From)
}
