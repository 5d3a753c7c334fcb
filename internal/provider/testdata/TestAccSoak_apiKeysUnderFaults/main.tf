# key_count keys with a mix of scopes and lifetimes. The test adds the
# terraform block and a provider block as a user on a flaky network would
# write it (a larger retry budget than the default); the endpoint and admin
# token come from the environment, as in CI.

variable "key_count" {
  type = number
}

locals {
  scope_sets = [
    ["pci:tokens:create", "pci:tokens:read"],
    ["pci:tokens:read"],
    ["network:tokens:use"],
    ["generic:tokens:create", "generic:tokens:read", "generic:tokens:delete"],
  ]
}

resource "hellgate_api_key" "soak" {
  count      = var.key_count
  scopes     = local.scope_sets[count.index % length(local.scope_sets)]
  expires_in = count.index % 3 == 0 ? null : 3600 + count.index
}
