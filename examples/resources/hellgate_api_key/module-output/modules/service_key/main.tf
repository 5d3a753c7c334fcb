# One service's Hellgate API key, rotated without downtime.

terraform {
  required_version = ">= 1.3"

  required_providers {
    hellgate = {
      source  = "starfish-codes/hellgate"
      version = ">= 0.1.0"
    }
  }
}

variable "scopes" {
  description = "The scopes the service needs."
  type        = set(string)
}

variable "expires_in" {
  description = "Seconds until the key expires (1 to 7776000)."
  type        = number
  default     = 7776000
}

resource "hellgate_api_key" "this" {
  scopes     = var.scopes
  expires_in = var.expires_in

  lifecycle {
    create_before_destroy = true
  }
}

output "id" {
  description = "The key's id."
  value       = hellgate_api_key.this.id
}

output "expires_at" {
  description = "When the key expires."
  value       = hellgate_api_key.this.expires_at
}

output "key_value" {
  description = "The key's secret."
  value       = hellgate_api_key.this.key_value
  sensitive   = true
}
