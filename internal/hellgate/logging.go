package hellgate

// Logging through terraform-plugin-log, and keeping secrets out of logs and
// error messages.

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logSubsystem is the terraform-plugin-log subsystem this package logs to.
// Its level can be set apart from the provider's with the environment
// variable TF_LOG_PROVIDER_HELLGATE_API (e.g. TRACE); unset, it follows
// TF_LOG_PROVIDER / TF_LOG.
const logSubsystem = "hellgate"

// Header names. Go canonicalises them on the wire; they are written here as
// Hellgate documents them.
const (
	headerAPIKey         = "x-api-key"
	headerAdminToken     = "x-admin-token"
	headerIdempotencyKey = "x-idempotency-key"
	headerRequestID      = "x-request-id"
)

// sensitiveFieldKeys are log field keys whose values are always masked,
// whatever they hold, as a second line of defence should one ever be logged.
var sensitiveFieldKeys = []string{
	"key_value", "api_key", "admin_token",
	headerAPIKey, headerAdminToken,
	"X-Api-Key", "X-Admin-Token",
}

// redacted replaces a secret in error messages.
const redacted = "[REDACTED]"

// logContext returns ctx with this package's logging subsystem set up for
// one call. Subsystems and masks live on the context of one provider RPC, so
// they are set up per call on the caller's ctx rather than once per Client.
// The credential is masked in messages and field values, and the sensitive
// field keys are masked whatever they hold.
//
// The key_values seen so far are not added as masks: terraform-plugin-log
// copies its mask list for every call and checks every log line against
// every mask, even at a level that is not logged, so with one mask per key
// an apply that creates N keys would cost O(N) per request and O(N^2) in
// all. They need no mask either: the only text this package logs that can
// carry one (an error body or message, which a server might echo a key
// into) goes through redact, which removes every key_value seen, and a 2xx
// body, the only place a key_value is expected, is never logged.
func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_HELLGATE_API"))
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, logSubsystem, sensitiveFieldKeys...)
	if len(c.credential) >= minSecretLen {
		ctx = tflog.SubsystemMaskLogStrings(ctx, logSubsystem, c.credential)
	}
	return ctx
}

// maskSecret adds one more secret (a key_value just received) to the masks of
// a context made by logContext, and remembers it for later calls.
func (c *Client) maskSecret(ctx context.Context, secret string) context.Context {
	if len(secret) < minSecretLen {
		return ctx
	}
	c.secretsMu.Lock()
	c.secrets = append(c.secrets, secret)
	c.secretsMu.Unlock()
	return tflog.SubsystemMaskLogStrings(ctx, logSubsystem, secret)
}

// minSecretLen is the length below which a credential or key value is not
// masked or redacted. Real ones are far longer; a test token such as "t"
// would otherwise turn every "t" in messages and logs into a mask, and
// hiding so short a string protects nothing. It also keeps "" (which would
// match everywhere) out of the masks.
const minSecretLen = 6

// secretStrings returns the credential and every key_value seen that are at
// least minSecretLen long.
func (c *Client) secretStrings() []string {
	c.secretsMu.RLock()
	defer c.secretsMu.RUnlock()
	out := make([]string, 0, len(c.secrets)+1)
	for _, s := range append([]string{c.credential}, c.secrets...) {
		if len(s) >= minSecretLen {
			out = append(out, s)
		}
	}
	return out
}

// redact removes the credential and every key_value seen from s, for text
// that ends up in an error message (a server might echo a key back). Redact
// before truncating, or a cut secret would no longer match.
func (c *Client) redact(s string) string {
	if s == "" {
		return s
	}
	for _, secret := range c.secretStrings() {
		s = strings.ReplaceAll(s, secret, redacted)
	}
	return s
}

func logDebug(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemDebug(ctx, logSubsystem, msg, fields)
}

func logTrace(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemTrace(ctx, logSubsystem, msg, fields)
}

func logWarn(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemWarn(ctx, logSubsystem, msg, fields)
}
