# Rotate the checkout service's key without downtime.
#
# - Each key lives 90 days. From 30 days before it expires, the next plan
#   replaces it (rotate_before), so run terraform apply at least weekly,
#   for example from a scheduled CI job.
# - create_before_destroy makes the new key before the old one goes, so
#   whatever consumes key_value always has a working key.
# - revoke_on_destroy = false leaves the old key to expire on its own instead
#   of revoking it at once: instances that have not yet picked up the new key
#   keep working until then.
resource "hellgate_api_key" "checkout" {
  scopes            = ["pci:tokens:create", "pci:tokens:read"]
  expires_in        = 7776000 # 90 days
  rotate_before     = "720h"  # 30 days
  revoke_on_destroy = false

  lifecycle {
    create_before_destroy = true
    # Bump var.key_generation to rotate at once, for example after a leak.
    replace_triggered_by = [terraform_data.key_generation]
  }
}

variable "key_generation" {
  description = "Change this value to replace the key now."
  type        = number
  default     = 1
}

resource "terraform_data" "key_generation" {
  input = var.key_generation
}

# Stands in for a secret store (Vault, AWS Secrets Manager, a Kubernetes
# secret, ...): it receives each new key as soon as it exists.
# (triggers_replace, not input: terraform_data copies input to output,
# which Terraform does not mark sensitive, so a plan that changes or
# destroys the stand-in would show the old secret.)
resource "terraform_data" "checkout_secret" {
  triggers_replace = {
    path      = "payments/checkout/hellgate-api-key"
    key_value = hellgate_api_key.checkout.key_value
  }
}
