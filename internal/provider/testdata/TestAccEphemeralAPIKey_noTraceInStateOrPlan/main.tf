# An ephemeral admin key is the credential of an aliased provider block,
# which manages a key of its own: the ephemeral key's value is used during
# plan and apply, and stored nowhere. The test adds the terraform block and
# the default provider block.

ephemeral "hellgate_api_key" "admin" {
  scopes     = ["admin:api-keys:create", "admin:api-keys:read", "admin:api-keys:delete"]
  expires_in = 900
}

provider "hellgate" {
  alias   = "scoped"
  api_key = ephemeral.hellgate_api_key.admin.key_value
}

resource "hellgate_api_key" "svc" {
  provider   = hellgate.scoped
  scopes     = ["pci:tokens:read"]
  expires_in = 3600
}

output "svc_id" {
  value = hellgate_api_key.svc.id
}
