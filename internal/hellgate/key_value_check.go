package hellgate

// Checking a key value that someone else supplies (the secret of a key
// being imported): that it matches the visible part of the key's
// masked_key_value, and that Hellgate does not refuse it as a credential.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// maskChars are the characters a masked_key_value hides the secret with:
// Hellgate's documented form is "key_123xxxx".
const maskChars = "xX*•"

// KeyValueError says why a supplied key value is not the secret of the key
// with id ID. It never holds the value, nor any part of it.
type KeyValueError struct {
	ID     string
	Reason string
}

func (e *KeyValueError) Error() string {
	return fmt.Sprintf("the value supplied is not the secret of API key %s: %s", e.ID, e.Reason)
}

// IsKeyValueRejected reports whether err says that a supplied key value is
// not the secret of the key it was given for (a *KeyValueError), as
// opposed to a failure to check it.
func IsKeyValueRejected(err error) bool {
	var e *KeyValueError
	return errors.As(err, &e)
}

// VerifyKeyValue checks that keyValue is the secret of the API key id
// before a caller stores it as that key's secret. Hellgate never returns a
// key's secret after creation, so it is checked two ways: it must match
// the visible part of the key's masked_key_value (read with the client's
// own credential), and a request sent with it as x-api-key must not be
// refused as unauthenticated (401); a 403 means the key is valid but
// lacks the scope that request needs, which is enough. A value that fails
// either check is a *KeyValueError (see IsKeyValueRejected); any other
// error means it could not be checked.
//
// The value is added to the secrets the client redacts before any request
// is sent, so no error or log line of this or a later call quotes it, even
// when a server echoes it; none of the errors returned here names it.
func (c *Client) VerifyKeyValue(ctx context.Context, id, keyValue string) error {
	c.rememberSecret(keyValue)
	if len(keyValue) < minSecretLen {
		return &KeyValueError{ID: id, Reason: fmt.Sprintf("it is shorter than %d characters", minSecretLen)}
	}
	if err := CheckCredential(keyValue); err != nil {
		return &KeyValueError{ID: id, Reason: "it cannot be sent as an x-api-key header: " + err.Error()}
	}

	key, err := c.GetAPIKey(ctx, id)
	if err != nil {
		return err
	}
	if reason := maskMismatch(keyValue, key.MaskedKeyValue); reason != "" {
		return &KeyValueError{ID: id, Reason: reason}
	}

	path, err := apiKeyPath(id)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, apiRequest{method: http.MethodGet, path: path, apiKey: keyValue})
	switch {
	case err == nil, IsForbidden(err):
		return nil
	case IsUnauthorized(err):
		return &KeyValueError{ID: id, Reason: "Hellgate refuses it as a credential (401 Unauthorized): " +
			"it is not a key's secret, or that key was revoked or has expired"}
	}
	return fmt.Errorf("checking the supplied secret of API key %s as a credential: %w", id, err)
}

// maskMismatch says why keyValue does not fit masked, a masked_key_value
// such as "key_123xxxx" (the visible characters first) or "xxxx1234" (the
// visible ones last), or returns "" when it fits.
func maskMismatch(keyValue, masked string) string {
	if masked == "" {
		return "Hellgate returned no masked_key_value for the key, so the secret cannot be compared with it"
	}
	visible, fits := strings.TrimRight(masked, maskChars), strings.HasPrefix
	if visible == masked {
		visible, fits = strings.TrimLeft(masked, maskChars), strings.HasSuffix
	}
	switch {
	case visible == masked || visible == "":
		return fmt.Sprintf("its masked_key_value (%q) shows no part of the secret to compare it with", masked)
	case len(keyValue) <= len(visible) || !fits(keyValue, visible):
		// The masked form is not quoted: it may share characters with the
		// value supplied.
		return "it does not match the visible part of the key's masked_key_value"
	}
	return ""
}
