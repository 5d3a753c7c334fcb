# A complete configuration: one Hellgate API key per service of a payment
# platform, made by a reusable module and handed on to a secret store.
#
# The provider reads its cluster and credential from the environment:
#   HELLGATE_CLUSTER_ID (or HELLGATE_ENDPOINT) and HELLGATE_ADMIN_TOKEN.
# `make demo` runs it against a local mock cluster.

terraform {
  required_version = ">= 1.5"

  required_providers {
    hellgate = {
      source = "starfish-codes/hellgate"
    }
  }
}

provider "hellgate" {}

module "payment_keys" {
  source = "./modules/service_keys"

  services = {
    # Tokenises cards at checkout and reads the tokens back; 90 days.
    checkout = {
      scopes     = ["pci:tokens:create", "pci:tokens:read"]
      expires_in = 7776000
    }
    # Charges stored network tokens; 30 days.
    billing = {
      scopes     = ["network:tokens:read", "network:tokens:use"]
      expires_in = 2592000
    }
  }
}

# A reporting job that may only read tokens, with a key that never expires.
resource "hellgate_api_key" "reporting" {
  scopes = ["pci:tokens:read", "network:tokens:read"]
}

# Stands in for a secret store (Vault, AWS Secrets Manager, a Kubernetes
# secret, ...): each key flows in without ever being printed, and the
# stand-in takes a new key by being replaced.
# (triggers_replace, not input: terraform_data copies input to output,
# which Terraform does not mark sensitive, so a plan that changes or
# destroys the stand-in would show the old secret.)
resource "terraform_data" "secret" {
  for_each = module.payment_keys.ids

  triggers_replace = {
    path      = "payments/${each.key}/hellgate-api-key"
    key_value = module.payment_keys.key_values[each.key]
  }
}

output "key_ids" {
  description = "Each service's API key id."
  value       = merge(module.payment_keys.ids, { reporting = hellgate_api_key.reporting.id })
}

output "expires_at" {
  description = "When each service's key expires."
  value       = module.payment_keys.expires_at
}

output "checkout_key_value" {
  description = "The checkout key itself; shown only on request (terraform output -raw checkout_key_value)."
  value       = module.payment_keys.key_values["checkout"]
  sensitive   = true
}
