package hellgate

// Logging through terraform-plugin-log, and keeping secrets out of logs and
// error messages.

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logSubsystem is the terraform-plugin-log subsystem this package logs to.
// Its level can be set apart from the provider's with the environment
// variable TF_LOG_PROVIDER_HELLGATE_API (e.g. TRACE); unset, it follows
// TF_LOG_PROVIDER / TF_LOG.
const logSubsystem = "hellgate"

// sensitiveFieldKeys are log field keys whose values are always masked,
// whatever they hold, as a second line of defence should one ever be logged.
var sensitiveFieldKeys = []string{
	"key_value", "api_key", "admin_token",
	headerAPIKey, headerAdminToken,
	"X-Api-Key", "X-Admin-Token",
}

// logContext returns ctx with this package's logging subsystem set up for
// one call. Subsystems and masks live on the context of one provider RPC, so
// they are set up per call on the caller's ctx rather than once per Client.
// The credential is masked in messages and field values, in every form
// redact knows (raw, JSON-escaped, URL-encoded), and the sensitive field
// keys are masked whatever they hold.
//
// The key_values seen so far are not added as masks: terraform-plugin-log
// copies its mask list for every call and checks every log line against
// every mask, even at a level that is not logged, so with one mask per key
// an apply that creates N keys would cost O(N) per request and O(N^2) in
// all. They need no mask either: the only text this package logs that can
// carry one (an error body or message, which a server might echo a key
// into) goes through redact, which removes every form of every key_value
// seen, and a 2xx body, the only place a key_value is expected, is never
// logged.
func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_HELLGATE_API"))
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, logSubsystem, sensitiveFieldKeys...)
	if c.credentialSecret != nil {
		ctx = tflog.SubsystemMaskLogRegexes(ctx, logSubsystem, c.credentialSecret.pattern())
	}
	return ctx
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

func logInfo(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemInfo(ctx, logSubsystem, msg, fields)
}
