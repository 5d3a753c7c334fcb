# The checkout service's Hellgate API key, handed to a secret store and
# rotated without downtime by the module in modules/service_key.
#
# The module's store.tf is a stand-in (terraform_data) so that this runs
# anywhere; modules/service_key/stores/ holds the store.tf for Vault, AWS
# Secrets Manager, Google Secret Manager, Azure Key Vault and Kubernetes.
#
# The provider reads its cluster and credential from the environment:
#   HELLGATE_CLUSTER_ID (or HELLGATE_ENDPOINT) and HELLGATE_ADMIN_TOKEN.

terraform {
  required_version = ">= 1.5"

  required_providers {
    hellgate = {
      source  = "starfish-codes/hellgate"
      version = "~> 0.1"
    }
  }
}

provider "hellgate" {}

variable "release" {
  description = "The release of the checkout service being deployed (-var release=2024.07.1): each release gets a new key."
  type        = string
  default     = "2024.06.3"
}

module "checkout_key" {
  source = "./modules/service_key"

  service       = "checkout"
  scopes        = ["pci:tokens:create", "pci:tokens:read"]
  expires_in    = 7776000 # 90 days
  rotate_before = "720h"  # 30 days before it expires
  keepers       = { release = var.release }
}

output "key_id" {
  description = "The id of the checkout service's current key."
  value       = module.checkout_key.key_id
}

output "expires_at" {
  description = "When the current key expires; a replaced key keeps working until its own expiry."
  value       = module.checkout_key.expires_at
}

output "secret_version" {
  description = "The version the store holds the current key under."
  value       = module.checkout_key.secret_version
}

output "secret_ref" {
  description = "Where the store keeps the key."
  value       = module.checkout_key.secret_ref
}
