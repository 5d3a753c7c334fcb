package provider

// Importing hellgate_api_key with its secret: the environment variables a
// user supplies an imported key's key_value in, and the check that the
// value is that key's secret before the import stores it.
//
// Environment variables, not an argument of the resource: an import block
// has no place for a secret (only to, id, identity), terraform import
// reads no configuration, and the blocks terraform query
// -generate-config-out writes import keys by identity without any edit. A
// variable reaches all of these alike, and keeps the secret out of
// configuration files and of a second attribute in state.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// The environment variables that supply the secret of a key being
// imported: one per key, named by its id, or one holding a JSON object of
// ids to secrets.
//
//nolint:gosec // names of environment variables, not credentials
const (
	EnvImportKeyValuePrefix = "HELLGATE_IMPORT_KEY_VALUE_"
	EnvImportKeyValues      = "HELLGATE_IMPORT_KEY_VALUES"
)

// importKeyValueVar is the name of the variable that supplies the secret of
// the key id: the id in capitals with underscores for hyphens, since shells
// cannot export names with hyphens, e.g.
// HELLGATE_IMPORT_KEY_VALUE_7CD48ABE_E372_4922_AAAC_C90EB54A82E6.
func importKeyValueVar(id string) string {
	return EnvImportKeyValuePrefix + strings.ToUpper(strings.ReplaceAll(id, "-", "_"))
}

// suppliedKeyValue returns the secret the environment supplies for the key
// id (lowercase), and the variable it came from; "" when none does. No
// diagnostic quotes a value of either variable.
func suppliedKeyValue(lookupEnv func(string) (string, bool), id string) (value, source string, diags diag.Diagnostics) {
	if lookupEnv == nil {
		return "", "", nil
	}
	perKey := importKeyValueVar(id)
	own, _ := lookupEnv(perKey)
	own = strings.TrimSpace(own)

	var fromMap string
	if raw, _ := lookupEnv(EnvImportKeyValues); strings.TrimSpace(raw) != "" {
		var m map[string]string
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			diags.AddError("Invalid "+EnvImportKeyValues,
				fmt.Sprintf("%s must be a JSON object of API key ids to their secrets, such as "+
					`{"7cd48abe-e372-4922-aaac-c90eb54a82e6": "key_..."}, but it is %s.`, EnvImportKeyValues, jsonProblem(err)))
			return "", "", diags
		}
		for k, v := range m {
			if !strings.EqualFold(strings.TrimSpace(k), id) {
				continue
			}
			if v = strings.TrimSpace(v); fromMap != "" && v != fromMap {
				diags.AddError("Conflicting Secrets for an Imported API Key",
					fmt.Sprintf("%s names the API key %s more than once (in different letter cases), with different secrets. Name it once.", EnvImportKeyValues, id))
				return "", "", diags
			}
			fromMap = v
		}
	}

	switch {
	case own != "" && fromMap != "" && own != fromMap:
		diags.AddError("Conflicting Secrets for an Imported API Key",
			fmt.Sprintf("Both %s and %s supply a secret for the API key %s, and they differ. Supply it in one of them.", perKey, EnvImportKeyValues, id))
		return "", "", diags
	case own != "":
		return own, perKey, nil
	case fromMap != "":
		return fromMap, EnvImportKeyValues, nil
	}
	return "", "", nil
}

// jsonProblem describes why a value is not a JSON object of strings,
// without quoting any of it (the decoder's messages quote characters).
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Sprintf("not valid JSON (at byte %d)", syntax.Offset)
	}
	return "not an object whose values are all strings"
}

// importKeyValue sets m.KeyValue, for the import of the key m.ID, to the
// secret the environment supplies for it, once Hellgate confirms that it is
// that key's secret. Without a secret it leaves key_value null and warns.
func (r *apiKeyResource) importKeyValue(ctx context.Context, m *apiKeyModel) diag.Diagnostics {
	id := m.ID.ValueString()
	var lookupEnv func(string) (string, bool)
	if r.data != nil {
		lookupEnv = r.data.lookupEnv
	}
	value, source, diags := suppliedKeyValue(lookupEnv, id)
	if diags.HasError() {
		return diags
	}
	if value == "" {
		diags.AddWarning("Imported API Key Has No key_value",
			fmt.Sprintf("Hellgate returns an API key's secret only when the key is created, so the imported key %s has no key_value in state "+
				"(it is null). Everything else is managed as usual. To import the key with its secret, import it again with the secret in "+
				"the environment variable %s (or in %s, a JSON object of key ids to secrets). If a configuration needs the secret and nobody "+
				"has it, create a new key instead (for example with terraform apply -replace=ADDRESS).", id, importKeyValueVar(id), EnvImportKeyValues))
		return diags
	}
	if r.data == nil || r.data.client == nil {
		notConfigured(&diags, "check the secret supplied in "+source+" for the API key "+id)
		return diags
	}

	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	err := r.data.client.VerifyKeyValue(ctx, id, value)
	var rejected *hellgate.KeyValueError
	switch {
	case err == nil:
		m.KeyValue = types.StringValue(value)
		tflog.Info(ctx, "imported API key with the secret supplied in the environment, after Hellgate confirmed it", map[string]any{"id": id, "source": source})
	case hellgate.IsNotFound(err):
		// Terraform reports the import of a key that does not exist once
		// the refresh that follows finds nothing, as without a secret.
	case errors.As(err, &rejected):
		diags.AddError("API Key Secret Not Verified",
			fmt.Sprintf("The secret supplied in %s for the API key %s is not that key's secret, so the key was not imported: %s. "+
				"Supply the key_value Hellgate returned when it created the key %s, or leave it out to import the key without its secret.",
				source, id, rejected.Reason, id))
	default:
		diags.AddError(apiErrorSummary("Unable to Verify API Key Secret", err),
			apiErrorDetail(fmt.Sprintf("The secret supplied in %s for the API key %s could not be checked, so the key was not imported", source, id), err))
	}
	return diags
}
