# Give each release of the payments service a new key, and rotate it at
# least every month, without waiting for it to expire.
#
# - A change of any value in keepers replaces the key. Here a deploy
#   pipeline passes the release it deploys (-var release=2024.07.1), and a
#   scheduled job passes the month (-var rotation_month=2024-07).
# - create_before_destroy makes the new key before the old one is revoked,
#   and the secret store receives it in the same apply.
# - Keepers are not sent to Hellgate: changing one costs one create and one
#   revoke, nothing more.
variable "release" {
  description = "The release of the payments service being deployed."
  type        = string
  default     = "2024.06.3"
}

variable "rotation_month" {
  description = "The month of the last scheduled rotation, such as \"2024-06\"."
  type        = string
  default     = "2024-06"
}

resource "hellgate_api_key" "payments" {
  scopes = ["pci:tokens:create", "pci:tokens:read", "pci:tokens:forward"]

  keepers = {
    release        = var.release
    rotation_month = var.rotation_month
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Stands in for a secret store (Vault, AWS Secrets Manager, a Kubernetes
# secret, ...): it receives each new key as soon as it exists.
# (triggers_replace, not input: terraform_data copies input to output,
# which Terraform does not mark sensitive, so a plan that changes or
# destroys the stand-in would show the old secret.)
resource "terraform_data" "payments_secret" {
  triggers_replace = {
    path      = "payments/hellgate-api-key"
    key_value = hellgate_api_key.payments.key_value
  }
}
