terraform {
  required_providers {
    hellgate = {
      source  = "starfish-codes/hellgate"
      version = "~> 0.1"
    }
  }
}

# The cluster is named here; the credential comes from the environment
# (HELLGATE_API_KEY or HELLGATE_ADMIN_TOKEN), so it never sits in the
# configuration or in version control.
provider "hellgate" {
  cluster_id = "my-cluster-id"
}

resource "hellgate_api_key" "checkout" {
  scopes     = ["pci:tokens:create", "pci:tokens:read"]
  expires_in = 7776000 # 90 days
}
