# One Hellgate API key per service. Keys rotate without downtime: when a
# key must be replaced, its successor is created before it is revoked.

terraform {
  required_version = ">= 1.3"

  required_providers {
    hellgate = {
      source = "starfish-codes/hellgate"
    }
  }
}

variable "services" {
  description = "Per service: its scopes, and seconds until its key expires (1 to 7776000; omit for a key that never expires)."
  type = map(object({
    scopes     = set(string)
    expires_in = optional(number)
  }))
}

resource "hellgate_api_key" "this" {
  for_each = var.services

  scopes     = each.value.scopes
  expires_in = each.value.expires_in

  lifecycle {
    create_before_destroy = true
  }
}

output "ids" {
  description = "Each service's key id."
  value       = { for name, key in hellgate_api_key.this : name => key.id }
}

output "expires_at" {
  description = "When each service's key expires (null: never)."
  value       = { for name, key in hellgate_api_key.this : name => key.expires_at }
}

output "key_values" {
  description = "Each service's key secret."
  value       = { for name, key in hellgate_api_key.this : name => key.key_value }
  sensitive   = true
}
