package unanswered

// What the provider tells the user about a create that got no answer: the
// warning of a finished recovery, the error of one that could not finish,
// and the warning of an ephemeral key that may be left live.

import (
	"fmt"
	"strings"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// Summaries of the diagnostics this package words.
const (
	// FailedSummary is the summary of the error of a recovery that could
	// not finish (the caller adds the error's status to it).
	FailedSummary = "Unable to Revoke Unanswered API Key"
	// EphemeralSummary is the summary of the warning about an ephemeral
	// key that may be left live.
	EphemeralSummary = "Ephemeral API Key May Be Left Live"
)

// Warning is what a finished recovery of the resource's placeholder tells
// the user, if anything: nothing when the repeat returned the very key the
// create made.
func Warning(c Create, out Outcome) (summary, detail string, ok bool) {
	if out.Settled() {
		return "", "", false
	}
	detail = "An earlier create got no answer from Hellgate. "
	if out.Revoked != "" {
		detail += fmt.Sprintf("Repeating it with its idempotency key returned the API key %s, which has been revoked, since nobody "+
			"received its secret. Hellgate may have made that key just now (when it no longer remembers the create, or another "+
			"credential repeats it), so the provider looked for other keys the create may have made. ", out.Revoked)
	} else {
		detail += fmt.Sprintf("Repeating it with its idempotency key was refused (%s), so the provider looked for "+
			"keys the create may have made. ", out.Refused)
		if out.GiveUp {
			detail += "No later apply can send that create differently, so the placeholder is not kept for one. "
		}
	}
	scopes := strings.Join(c.In.Scopes, ", ")
	switch {
	case len(out.Similar) > 0:
		summary = "Unanswered Create May Have Left a Key"
		detail += SimilarKeysDetail(c, out.Similar)
	case out.ListErr != nil:
		summary = "Keys of an Unanswered Create Not Looked Up"
		detail += fmt.Sprintf("It could not list the cluster's keys: %s. Look for keys with the scopes %s created %s "+
			"that nothing manages, and revoke them with the hellgate_revoke_api_key action.",
			out.ListErr, scopes, c.Window())
	case hellgate.IsConflict(out.Refused):
		// A 409 may mean that the create is still in progress: its key
		// may be made after the listing.
		summary = "No Key Found Yet for an Unanswered Create"
		detail += fmt.Sprintf("No other key with the same scopes and expires_in was created %s. But Hellgate may answer 409 "+
			"while the earlier create is still in progress, so it may still make its key: look again later for a key with the "+
			"scopes %s created since %s that nothing manages, and revoke it with the hellgate_revoke_api_key action.",
			c.Window(), scopes, c.windowStart())
	case !c.windowMeasured():
		summary = "No Key Found for an Unanswered Create"
		whose := "this machine's"
		if c.Clock == UnmeasuredClock {
			whose = "that of the machine that ran the create"
		}
		detail += fmt.Sprintf("No other key with the same scopes and expires_in was created %s. Hellgate's clock could not be "+
			"compared with %s, so a key made by that create may lie outside that window: look for a key with the "+
			"scopes %s created around that time that nothing manages, and revoke it with the hellgate_revoke_api_key action.",
			c.Window(), whose, scopes)
	default:
		summary = "No Key Left by an Unanswered Create"
		return summary, detail + fmt.Sprintf("No other key with the same scopes and expires_in was created %s: "+
			"the earlier create did not take effect, or its key has been revoked since. Nothing is left behind.", c.Window()), true
	}
	return summary, detail + " The placeholder of that create has been removed from state, so applies go on as usual.", true
}

// FailedDetail says what a recovery of the resource's placeholder that
// failed with err did and what happens next, without err itself (the
// caller appends it): out is what it found before it failed.
func FailedDetail(c Create, out Outcome, err error) string {
	what := "An earlier create got no answer from Hellgate, and the provider could not finish cleaning up after it " +
		"(by repeating the create with its idempotency key and revoking the key Hellgate returns)."
	if out.Revoked != "" {
		what += fmt.Sprintf(" The key %s that the repeat returned has been revoked.", out.Revoked)
	}
	what += " The placeholder stays in state, so the next apply tries again"
	if way := wayOut(c, err); way != "" {
		what += ". " + way
	}
	return what
}

// wayOut tells, for a repeat that failed for a reason that no apply fixes
// by itself (the credential is refused, or the requests go to a wrong
// endpoint), how to get out of the placeholder: fix the provider's
// settings, or remove the placeholder by hand and look for its key.
// Empty for a failure that may pass by itself.
func wayOut(c Create, err error) string {
	var fix string
	switch {
	case hellgate.IsUnauthorized(err):
		fix = "Hellgate refuses the provider's credential, and every apply fails the same way until it changes: " +
			"set a valid api_key or admin_token (or HELLGATE_API_KEY, HELLGATE_ADMIN_TOKEN) for the provider and apply again."
	case hellgate.IsWrongEndpoint(err) || hellgate.IsNotFromHellgate(err):
		fix = "The requests do not reach Hellgate's API, and every apply fails the same way until that changes: " +
			"correct the provider's cluster_id or endpoint (or HELLGATE_CLUSTER_ID, HELLGATE_ENDPOINT) and apply again."
	default:
		return ""
	}
	return fix + " If that cannot be done, remove the placeholder from state with terraform state rm and the address of this " +
		"resource (the next apply then creates the key anew), look for a key with the scopes " + strings.Join(c.In.Scopes, ", ") +
		" created " + c.Window() + " that nothing manages, and revoke it with the hellgate_revoke_api_key action"
}

// EphemeralDetail says which ephemeral key may be left live after an Open
// whose create got no answer, and until when, naming the keys that look
// like it. It ends with a full stop; the caller may append the error that
// ended the recovery.
func EphemeralDetail(c Create, out Outcome) string {
	live := "until it expires"
	if c.In.ExpiresIn != nil {
		_, until := c.ServerWindow()
		live = "until " + formatTime(until.Add(time.Duration(*c.In.ExpiresIn)*time.Second)) + " at the latest, by Hellgate's clock"
	}
	what := fmt.Sprintf("Hellgate may have made an ephemeral API key with the scopes %s that nobody received, and the provider could not make sure "+
		"it is revoked: it may stay live %s.", strings.Join(c.In.Scopes, ", "), live)
	if len(out.Similar) > 0 {
		return what + " " + SimilarKeysDetail(c, out.Similar)
	}
	return what + fmt.Sprintf(" Look for a key with these scopes created %s that nothing manages, and revoke it "+
		"with the hellgate_revoke_api_key action.", c.Window())
}

// SimilarKeysDetail names the keys that look like the one the create may
// have made, says why none of them was revoked, and how to tell whether
// one of them is a stray.
func SimilarKeysDetail(c Create, similar []string) string {
	what := fmt.Sprintf("The API key %s has the same scopes and expires_in and was created %s. "+
		"That create may have made it, but it may as well belong to another resource or configuration and be in use, "+
		"so the provider does not revoke it.", similar[0], c.Window())
	if len(similar) > 1 {
		what = fmt.Sprintf("%d API keys (%s) have the same scopes and expires_in and were created %s. "+
			"That create may have made one of them, but they may as well belong to other resources or configurations and be in use, "+
			"so the provider revokes none of them.", len(similar), strings.Join(similar, ", "), c.Window())
	}
	return what + " To tell, look for the ids in the state of each configuration that manages keys (terraform state list, " +
		"terraform state show), or list the cluster's keys with the hellgate_api_key list resource (terraform query) or the " +
		"hellgate_api_keys data source, filtered with created_after and created_before. Revoke a key that nothing manages " +
		"with the hellgate_revoke_api_key action."
}
