# A key that exists only while this run lasts: made when Terraform opens the
# ephemeral resource, revoked when the run ends, and never written to state
# or to a plan file. Requires Terraform 1.10+ or OpenTofu 1.11+.
ephemeral "hellgate_api_key" "deployer" {
  scopes = [
    "admin:api-keys:create",
    "admin:api-keys:read",
    "admin:api-keys:delete",
  ]
  expires_in = 3600 # dies by itself after an hour, even if the revoke fails
}

# Use it wherever a value may be ephemeral and is needed only during the
# run: a provider configuration (as here), or a local for a one-off job. A
# key a service keeps using, in a secret store, comes from the
# hellgate_api_key resource instead: this one is revoked when the run ends.
# This provider block acts with the short-lived key alone.
provider "hellgate" {
  alias   = "deployer"
  api_key = ephemeral.hellgate_api_key.deployer.key_value
}

resource "hellgate_api_key" "checkout" {
  provider   = hellgate.deployer
  scopes     = ["pci:tokens:create", "pci:tokens:read"]
  expires_in = 7776000 # 90 days
}
