package unanswered

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

var t0 = time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)

// measured is a create attempted in [t0, t0+1s] by the provider's clock,
// with Hellgate's clock measured at the provider's plus [minOff, maxOff].
func measured(minOff, maxOff time.Duration) Create {
	c := unmeasured()
	c.Offset, c.OffsetKnown = hellgate.ClockOffset{Min: minOff, Max: maxOff}, true
	return c
}

// unmeasured is the same create with no Date header seen.
func unmeasured() Create {
	expiresIn := int64(3600)
	return Create{
		In:   hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, ExpiresIn: &expiresIn, IdempotencyKey: "ik-1"},
		From: t0, Until: t0.Add(time.Second),
	}
}

func apiErr(status int) error {
	return &hellgate.Error{Method: "POST", Path: "/api/admin/api-keys", StatusCode: status, Message: "refused"}
}

// key is a key created at createdAt (by Hellgate's clock) that lives
// lifetime (0: never expires).
func key(id string, createdAt time.Time, lifetime time.Duration, scopes ...string) hellgate.APIKey {
	k := hellgate.APIKey{ID: id, CreatedAt: createdAt, Scopes: scopes}
	if lifetime > 0 {
		e := createdAt.Add(lifetime)
		k.ExpiresAt = &e
	}
	return k
}

// The time rule, one case a row: whether the key a repeat returned is
// taken for the original, and whether a key is named as one the create
// may have made, with Hellgate's clock ahead, behind, or not measured.
func TestCreate_timeRule(t *testing.T) {
	for _, tc := range []struct {
		name      string
		c         Create
		createdAt time.Time // by Hellgate's clock
		repeated  time.Time // by the provider's clock
		within    bool
		before    bool
	}{
		{"same clocks, the original, repeat an hour later", measured(0, time.Second), t0, t0.Add(time.Hour), true, true},
		{"same clocks, a new key made by the repeat", measured(0, time.Second), t0.Add(time.Hour), t0.Add(time.Hour), false, false},
		{"Hellgate 90 s behind, the original", measured(-90*time.Second, -89*time.Second), t0.Add(-90 * time.Second), t0.Add(2 * time.Minute), true, true},
		{"Hellgate 90 s behind, a new key two minutes later", measured(-90*time.Second, -89*time.Second), t0.Add(30 * time.Second), t0.Add(2 * time.Minute), false, false},
		{"Hellgate 90 s ahead, the original", measured(90*time.Second, 91*time.Second), t0.Add(90 * time.Second), t0.Add(2 * time.Minute), true, true},
		{"Hellgate 90 s ahead, a new key at once", measured(90*time.Second, 91*time.Second), t0.Add(95 * time.Second), t0.Add(5 * time.Second), false, false},
		{"offset unknown: nothing is proved before the repeat", unmeasured(), t0, t0.Add(time.Hour), true, false},
		{"offset unknown: a minute either way", unmeasured(), t0.Add(-61 * time.Second), t0.Add(time.Hour), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.MadeWithin(tc.createdAt); got != tc.within {
				t.Errorf("MadeWithin(%s) = %v, want %v (window %s)", tc.createdAt.Format(time.RFC3339), got, tc.within, tc.c.Window())
			}
			if got := tc.c.MadeBefore(tc.createdAt, tc.repeated); got != tc.before {
				t.Errorf("MadeBefore(%s, %s) = %v, want %v", tc.createdAt.Format(time.RFC3339), tc.repeated.Format(time.RFC3339), got, tc.before)
			}
		})
	}
	if w := unmeasured().Window(); !strings.Contains(w, "by this machine's clock") {
		t.Errorf("a window with no measured offset does not say whose clock it is on: %s", w)
	}
}

// A placeholder's id carries the idempotency key, the attempt window,
// widened to whole seconds, and the clock it is on, and anything else is
// not a placeholder id.
func TestPlaceholderID(t *testing.T) {
	from := time.Date(2030, 1, 1, 9, 0, 0, 400_000_000, time.UTC)
	c := Create{From: from, Until: from.Add(1200 * time.Millisecond)}
	c.In.IdempotencyKey = "ik-1"
	id := c.PlaceholderID()
	if want := "unanswered-create:ik-1@2030-01-01T09:00:00Z/2030-01-01T09:00:02Z;clock=unmeasured"; id != want {
		t.Fatalf("PlaceholderID = %q, want %q", id, want)
	}
	// Measured Hellgate's clock 2 min ahead: the window is kept on it.
	onHellgate := c
	onHellgate.Offset, onHellgate.OffsetKnown = hellgate.ClockOffset{Min: 2 * time.Minute, Max: 2*time.Minute + time.Second}, true
	if got, want := onHellgate.PlaceholderID(), "unanswered-create:ik-1@2030-01-01T09:01:59Z/2030-01-01T09:02:04Z;clock=hellgate"; got != want {
		t.Errorf("PlaceholderID with a measured clock = %q, want %q", got, want)
	}
	if !IsPlaceholderID(id) || IsPlaceholderID("0b7e7dc4-6d6a-4c1e-9c55-0d7a3d0a1f00") {
		t.Errorf("IsPlaceholderID does not tell a placeholder's id from a key's")
	}
	got, ok := ParsePlaceholderID(id)
	if !ok || got.In.IdempotencyKey != "ik-1" || got.Clock != UnmeasuredClock || !got.From.Equal(from.Truncate(time.Second)) ||
		!got.Until.Equal(time.Date(2030, 1, 1, 9, 0, 2, 0, time.UTC)) {
		t.Errorf("ParsePlaceholderID(%q) = %+v, %v", id, got, ok)
	}
	if !got.MadeWithin(from) || got.MadeWithin(from.Add(-2*ClockSkew)) || got.MadeWithin(from.Add(2*ClockSkew)) {
		t.Errorf("the window of %q does not hold what it should", id)
	}
	for _, bad := range []string{
		"0b7e7dc4-6d6a-4c1e-9c55-0d7a3d0a1f00",
		"unanswered-create:",
		"unanswered-create:ik-2",
		"unanswered-create:ik@2030-01-01T09:00:00Z",
		"unanswered-create:ik@2030-01-01T09:00:02Z/2030-01-01T09:00:00Z",
		"unanswered-create:@2030-01-01T09:00:00Z/2030-01-01T09:00:02Z;clock=hellgate",
		"unanswered-create:ik@2030-01-01T09:00:00Z/2030-01-01T09:00:02Z",
		"unanswered-create:ik@2030-01-01T09:00:00Z/2030-01-01T09:00:02Z;clock=",
		"unanswered-create:ik@2030-01-01T09:00:00Z/2030-01-01T09:00:02Z;clock=local",
	} {
		if _, ok := ParsePlaceholderID(bad); ok {
			t.Errorf("ParsePlaceholderID(%q) accepted it", bad)
		}
	}
}

// Whether a listed key has what the create asked for.
func TestSameRequest(t *testing.T) {
	c := unmeasured()
	for _, tc := range []struct {
		name string
		k    hellgate.APIKey
		want bool
	}{
		{"same scopes and lifetime", key("a", t0, time.Hour, "pci:tokens:read"), true},
		{"lifetime a second off, as servers round", key("a", t0, time.Hour+time.Second, "pci:tokens:read"), true},
		{"scopes repeated", key("a", t0, time.Hour, "pci:tokens:read", "pci:tokens:read"), true},
		{"lifetime two seconds off", key("a", t0, time.Hour+2*time.Second, "pci:tokens:read"), false},
		{"never expires", key("a", t0, 0, "pci:tokens:read"), false},
		{"other scopes", key("a", t0, time.Hour, "pci:tokens:create"), false},
		{"more scopes", key("a", t0, time.Hour, "pci:tokens:create", "pci:tokens:read"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SameRequest(c.In, tc.k); got != tc.want {
				t.Errorf("SameRequest = %v, want %v", got, tc.want)
			}
		})
	}
	forever := c.In
	forever.ExpiresIn = nil
	if !SameRequest(forever, key("a", t0, 0, "pci:tokens:read")) || SameRequest(forever, key("a", t0, time.Hour, "pci:tokens:read")) {
		t.Errorf("a create without expires_in matches only keys that never expire")
	}
}

// A recovery from the repeat's answer to the user's words, one case a row:
// each case the acceptance tests run against the mock, and the cases of
// clock skew and of 409 that the mock cannot stage on demand.
func TestRecovery(t *testing.T) {
	later := t0.Add(25 * time.Hour) // the repeat, by the provider's clock
	hour := time.Hour
	for _, tc := range []struct {
		name     string
		c        Create
		repeat   *hellgate.APIKey // nil: err
		err      error
		repeated time.Time
		listed   []hellgate.APIKey
		listErr  error

		fail       bool
		revoked    string
		similar    []string
		giveUp     bool
		settled    bool
		summary    string
		details    []string
		notDetails []string
	}{
		{
			name: "the original, stamped before the repeat", c: measured(0, time.Second),
			repeat: &hellgate.APIKey{ID: "orig", CreatedAt: t0}, repeated: later,
			revoked: "orig", settled: true,
		},
		{
			name:   "the original, repeated at once in the same run (the ephemeral resource)",
			c:      func() Create { c := unmeasured(); c.RepeatedAtOnce = true; return c }(),
			repeat: &hellgate.APIKey{ID: "orig", CreatedAt: t0}, repeated: t0.Add(time.Second),
			revoked: "orig", settled: true,
		},
		{
			name: "Hellgate's clock 90 s behind: the original is still known", c: measured(-90*time.Second, -89*time.Second),
			repeat: &hellgate.APIKey{ID: "orig", CreatedAt: t0.Add(-90 * time.Second)}, repeated: t0.Add(2 * time.Minute),
			revoked: "orig", settled: true,
		},
		{
			name: "Hellgate's clock 90 s ahead: a new key made by the repeat is not the original", c: measured(90*time.Second, 91*time.Second),
			repeat: &hellgate.APIKey{ID: "new", CreatedAt: t0.Add(95 * time.Second)}, repeated: t0.Add(5 * time.Second),
			revoked: "new", summary: "No Key Left by an Unanswered Create",
			details: []string{"returned the API key new, which has been revoked", "created between 2030-01-01T09:01:29Z and 2030-01-01T09:01:33Z", "Nothing is left behind."},
		},
		{
			name: "after the idempotency window: the repeat makes a new key, the original is named", c: measured(0, time.Second),
			repeat: &hellgate.APIKey{ID: "new", CreatedAt: later}, repeated: later,
			listed:  []hellgate.APIKey{key("new", later, hour, "pci:tokens:read"), key("orig", t0, hour, "pci:tokens:read")},
			revoked: "new", similar: []string{"orig"}, summary: "Unanswered Create May Have Left a Key",
			details: []string{"The API key orig has the same scopes and expires_in", "so the provider does not revoke it", "terraform state list",
				"The placeholder of that create has been removed from state"},
		},
		{
			name: "never guesses: two keys of the same shape are both named, neither revoked", c: measured(0, time.Second),
			repeat: &hellgate.APIKey{ID: "new", CreatedAt: later}, repeated: later,
			listed:  []hellgate.APIKey{key("a", t0, hour, "pci:tokens:read"), key("b", t0.Add(time.Second), hour, "pci:tokens:read")},
			revoked: "new", similar: []string{"a", "b"}, summary: "Unanswered Create May Have Left a Key",
			details: []string{"2 API keys (a, b) have the same scopes", "revokes none of them"},
		},
		{
			name: "spares keys of another shape or time", c: measured(0, time.Second),
			repeat: &hellgate.APIKey{ID: "new", CreatedAt: later}, repeated: later,
			listed: []hellgate.APIKey{key("other-scopes", t0, hour, "pci:tokens:create"), key("other-life", t0, 2*hour, "pci:tokens:read"),
				key("earlier", t0.Add(-time.Hour), hour, "pci:tokens:read")},
			revoked: "new", summary: "No Key Left by an Unanswered Create", details: []string{"Nothing is left behind."},
		},
		{
			name: "finds nothing, Hellgate's clock unknown: never an all-clear", c: unmeasured(),
			repeat: &hellgate.APIKey{ID: "new", CreatedAt: later}, repeated: later,
			revoked: "new", summary: "No Key Found for an Unanswered Create",
			details:    []string{"could not be compared with this machine's", "by this machine's clock, widened by a minute either way"},
			notDetails: []string{"Nothing is left"},
		},
		{
			name: "repeat refused with 409: the create may still be in progress", c: measured(0, time.Second),
			err: apiErr(409), repeated: later,
			summary:    "No Key Found Yet for an Unanswered Create",
			details:    []string{"was refused (", "409", "may still make its key", "look again later for a key with the scopes pci:tokens:read created since 2030-01-01T08:59:59Z"},
			notDetails: []string{"Nothing is left"},
		},
		{
			name: "repeat refused with 409, a similar key listed", c: measured(0, time.Second),
			err: apiErr(409), repeated: later, listed: []hellgate.APIKey{key("orig", t0, hour, "pci:tokens:read")},
			similar: []string{"orig"}, summary: "Unanswered Create May Have Left a Key",
		},
		{
			name: "repeat refused with 403", c: measured(0, time.Second),
			err: apiErr(403), repeated: later,
			summary: "No Key Left by an Unanswered Create", details: []string{"was refused (", "403"},
		},
		{
			name: "repeat refused as invalid: the placeholder is given up", c: measured(0, time.Second),
			err: apiErr(422), repeated: later, giveUp: true,
			summary: "No Key Left by an Unanswered Create", details: []string{"422", "No later apply can send that create differently"},
		},
		{
			name: "listing refused", c: measured(0, time.Second),
			repeat: &hellgate.APIKey{ID: "new", CreatedAt: later}, repeated: later, listErr: apiErr(403),
			revoked: "new", summary: "Keys of an Unanswered Create Not Looked Up",
			details: []string{"It could not list the cluster's keys:", "403", "Look for keys with the scopes pci:tokens:read created between"},
		},
		{name: "repeat failed without an answer", c: measured(0, time.Second), err: apiErr(503), repeated: later, fail: true},
		{name: "repeat refused the credential", c: measured(0, time.Second), err: apiErr(401), repeated: later, fail: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, fail := tc.c.Repeated(tc.repeat, tc.err, tc.repeated)
			if (fail != nil) != tc.fail {
				t.Fatalf("Repeated failed with %v, want a failure: %v", fail, tc.fail)
			}
			if tc.fail {
				return
			}
			if !out.Settled() {
				out = tc.c.Listed(out, tc.listed, tc.listErr)
			}
			if out.Revoked != tc.revoked || !slices.Equal(out.Similar, tc.similar) || out.GiveUp != tc.giveUp || out.Settled() != tc.settled {
				t.Errorf("outcome %+v, want revoked %q, similar %v, give up %v, settled %v", out, tc.revoked, tc.similar, tc.giveUp, tc.settled)
			}
			summary, detail, ok := Warning(tc.c, out)
			if ok == tc.settled || summary != tc.summary {
				t.Errorf("Warning = %q, %v; want %q", summary, ok, tc.summary)
			}
			for _, want := range tc.details {
				if !strings.Contains(detail, want) {
					t.Errorf("the detail lacks %q:\n%s", want, detail)
				}
			}
			for _, not := range tc.notDetails {
				if strings.Contains(detail, not) {
					t.Errorf("the detail says %q:\n%s", not, detail)
				}
			}
		})
	}
}

// What a recovery that could not finish says: the repeat's key, if it was
// revoked, and for a failure that no apply fixes by itself, the way out.
func TestFailedDetail(t *testing.T) {
	c := measured(0, time.Second)
	for _, tc := range []struct {
		name     string
		out      Outcome
		err      error
		want     []string
		notWants []string
	}{
		{"may pass by itself", Outcome{}, apiErr(503), []string{"The placeholder stays in state, so the next apply tries again"}, []string{"terraform state rm", "has been revoked"}},
		{"the repeat's key was revoked", Outcome{Revoked: "new"}, apiErr(503), []string{"The key new that the repeat returned has been revoked."}, nil},
		{"credential refused", Outcome{}, apiErr(401), []string{"set a valid api_key or admin_token", "terraform state rm",
			"look for a key with the scopes pci:tokens:read created between", "hellgate_revoke_api_key action"}, nil},
		{"wrong endpoint", Outcome{}, fmt.Errorf("POST: %w", hellgate.ErrWrongEndpoint), []string{"correct the provider's cluster_id or endpoint", "terraform state rm"}, nil},
		{"not from Hellgate", Outcome{}, fmt.Errorf("POST: %w", hellgate.ErrNotFromHellgate), []string{"correct the provider's cluster_id or endpoint"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := FailedDetail(c, tc.out, tc.err)
			for _, want := range tc.want {
				if !strings.Contains(d, want) {
					t.Errorf("the detail lacks %q:\n%s", want, d)
				}
			}
			for _, not := range tc.notWants {
				if strings.Contains(d, not) {
					t.Errorf("the detail says %q:\n%s", not, d)
				}
			}
		})
	}
}

// What the ephemeral resource says of a key that may be left live.
func TestEphemeralDetail(t *testing.T) {
	c := measured(0, time.Second)
	d := EphemeralDetail(c, Outcome{})
	for _, want := range []string{"scopes pci:tokens:read", "until 2030-01-01T10:00:03Z at the latest, by Hellgate's clock",
		"Look for a key with these scopes created between 2030-01-01T08:59:59Z and 2030-01-01T09:00:03Z"} {
		if !strings.Contains(d, want) {
			t.Errorf("the detail lacks %q:\n%s", want, d)
		}
	}
	if d := EphemeralDetail(c, Outcome{Similar: []string{"orig"}}); !strings.Contains(d, "The API key orig has the same scopes") {
		t.Errorf("the detail does not name the similar key:\n%s", d)
	}
	if !strings.HasSuffix(d, ".") {
		t.Errorf("the detail does not end with a full stop: %s", d)
	}
}

// A create recorded by one run and recovered by the next, perhaps on
// another machine, whose clock is off by another amount: the window the
// placeholder keeps is judged on Hellgate's clock as the first run
// measured it, and a window recorded without a measured clock never
// gives an all-clear. Each row records run1 in a placeholder id, reads it
// back in a run whose clock is set right, and recovers it after Hellgate
// has forgotten the idempotency key: the repeat makes a new key.
func TestRecovery_acrossRuns(t *testing.T) {
	hour := time.Hour
	later := t0.Add(25 * time.Hour) // the repeat, by both clocks of the second run
	slow := 2 * time.Minute         // the first run's clock is this far behind Hellgate's
	for _, tc := range []struct {
		name       string
		run1       Create // From and Until by the first run's clock
		listed     []hellgate.APIKey
		similar    []string
		summary    string
		details    []string
		notDetails []string
	}{
		{
			name: "first run 2 min slow, clock measured: the original is named",
			run1: measured(slow, slow+time.Second),
			listed: []hellgate.APIKey{key("new", later, hour, "pci:tokens:read"),
				key("orig", t0.Add(slow), hour, "pci:tokens:read")},
			similar: []string{"orig"}, summary: "Unanswered Create May Have Left a Key",
			details:    []string{"The API key orig has the same scopes", "created between 2030-01-01T09:01:59Z and 2030-01-01T09:02:03Z"},
			notDetails: []string{"Nothing is left", "this machine's clock"},
		},
		{
			name: "first run 2 min slow, clock measured: a key made 2 min before the create is not named",
			run1: measured(slow, slow+time.Second),
			listed: []hellgate.APIKey{key("new", later, hour, "pci:tokens:read"),
				key("earlier", t0, hour, "pci:tokens:read")},
			summary: "No Key Left by an Unanswered Create",
			details: []string{"created between 2030-01-01T09:01:59Z and 2030-01-01T09:02:03Z", "Nothing is left behind."},
		},
		{
			name: "first run 2 min fast, clock measured: the original is named",
			run1: measured(-slow, -slow+time.Second),
			listed: []hellgate.APIKey{key("new", later, hour, "pci:tokens:read"),
				key("orig", t0.Add(-slow), hour, "pci:tokens:read")},
			similar: []string{"orig"}, summary: "Unanswered Create May Have Left a Key",
		},
		{
			name:    "first run's clock not measured, nothing listed: no all-clear",
			run1:    unmeasured(),
			listed:  []hellgate.APIKey{key("new", later, hour, "pci:tokens:read")},
			summary: "No Key Found for an Unanswered Create",
			details: []string{"created between 2030-01-01T08:59:00Z and 2030-01-01T09:01:01Z",
				"by the clock of the machine that ran the create, widened by a minute either way"},
			notDetails: []string{"Nothing is left", "this machine's clock"},
		},
		{
			name: "first run's clock not measured, 30 s off: the original is named",
			run1: unmeasured(),
			listed: []hellgate.APIKey{key("new", later, hour, "pci:tokens:read"),
				key("orig", t0.Add(30*time.Second), hour, "pci:tokens:read")},
			similar: []string{"orig"}, summary: "Unanswered Create May Have Left a Key",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := tc.run1.PlaceholderID()
			c, ok := ParsePlaceholderID(id)
			if !ok {
				t.Fatalf("ParsePlaceholderID(%q) refused it", id)
			}
			c.In = tc.run1.In // as the provider does, from the placeholder's attributes
			c.Offset, c.OffsetKnown = hellgate.ClockOffset{Min: 0, Max: time.Second}, true
			out, fail := c.Repeated(&hellgate.APIKey{ID: "new", CreatedAt: later}, nil, later)
			if fail != nil || out.Revoked != "new" || out.Settled() {
				t.Fatalf("Repeated = %+v, %v; want the new key revoked, not settled", out, fail)
			}
			out = c.Listed(out, tc.listed, nil)
			if !slices.Equal(out.Similar, tc.similar) {
				t.Errorf("similar %v, want %v (placeholder %s, window %s)", out.Similar, tc.similar, id, c.Window())
			}
			summary, detail, ok := Warning(c, out)
			if !ok || summary != tc.summary {
				t.Errorf("Warning = %q, %v; want %q:\n%s", summary, ok, tc.summary, detail)
			}
			for _, want := range tc.details {
				if !strings.Contains(detail, want) {
					t.Errorf("the detail lacks %q:\n%s", want, detail)
				}
			}
			for _, not := range tc.notDetails {
				if strings.Contains(detail, not) {
					t.Errorf("the detail says %q:\n%s", not, detail)
				}
			}
		})
	}
}

// A placeholder's id keeps the window on Hellgate's clock when the run
// that wrote it had measured that clock, and says whether it had: read
// back, it holds the same window whatever the reading run's clock, and
// writes the same id again.
func TestPlaceholderID_roundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Create
	}{
		{"clock measured, 2 min ahead", measured(2*time.Minute, 2*time.Minute+time.Second)},
		{"clock measured, 90 s behind", measured(-90*time.Second, -89*time.Second)},
		{"clock not measured", unmeasured()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := tc.c.PlaceholderID()
			got, ok := ParsePlaceholderID(id)
			if !ok {
				t.Fatalf("ParsePlaceholderID(%q) refused it", id)
			}
			if got.In.IdempotencyKey != tc.c.In.IdempotencyKey {
				t.Errorf("idempotency key %q, want %q", got.In.IdempotencyKey, tc.c.In.IdempotencyKey)
			}
			if again := got.PlaceholderID(); again != id {
				t.Errorf("read back and written again, %q became %q", id, again)
			}
			wantFrom, wantUntil := tc.c.ServerWindow()
			for _, off := range []hellgate.ClockOffset{{}, {Min: 5 * time.Minute, Max: 5*time.Minute + time.Second}} {
				got.Offset, got.OffsetKnown = off, true
				from, until := got.ServerWindow()
				if from.After(wantFrom) || until.Before(wantUntil) || until.Sub(from) > wantUntil.Sub(wantFrom)+2*time.Second {
					t.Errorf("%q read back with the reading run's clock off by %s: window %s, want %s to %s (to whole seconds)",
						id, off.Min, got.Window(), formatTime(wantFrom), formatTime(wantUntil))
				}
			}
		})
	}
}
