# A service's Hellgate API key, handed to a secret store (store.tf) and
# rotated without downtime:
#
# - The key is replaced when it comes within rotate_before of its expiry,
#   when one of its keepers changes, and on terraform apply -replace.
# - create_before_destroy: the new key exists, and is in the store, before
#   the old one is destroyed.
# - revoke_on_destroy = false (the default of revoke_replaced_keys): the old
#   key is not revoked but expires on its own, so instances still holding it
#   keep working until they read the new one from the store.
# - secret_version changes exactly when the key is replaced: it tells a
#   store's write-only argument when to take the new secret.
# - No output carries the secret.
#
# store.tf is the only file that knows the store: replace it with one from
# stores/ (or write your own from the same inputs).

terraform {
  required_version = ">= 1.5"

  required_providers {
    hellgate = {
      source  = "starfish-codes/hellgate"
      version = ">= 0.1.0"
    }
  }
}

variable "service" {
  description = "The service's name, which names its secret in the store (hellgate-<service>): lower-case letters and digits, in words joined by dashes."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+(-[a-z0-9]+)*$", var.service)) && length(var.service) <= 54
    error_message = "service must be 1 to 54 lower-case letters and digits, in words joined by single dashes, so that every store accepts the secret's name, hellgate-<service>."
  }
}

variable "scopes" {
  description = "What the service's key may do: at least one scope."
  type        = set(string)
}

variable "expires_in" {
  description = "The key's lifetime in seconds, 1 to 7776000 (90 days). After a rotation the old key keeps working until it expires."
  type        = number
}

variable "rotate_before" {
  description = "The rotation window: replace the key once it is this close to its expiry, as a duration such as \"720h\" (shorter than expires_in)."
  type        = string
}

variable "keepers" {
  description = "Values whose change replaces the key at once, such as the release being deployed."
  type        = map(string)
  default     = {}
}

variable "revoke_replaced_keys" {
  description = "Whether a replaced key is revoked at the end of the apply that replaces it (true), or left to work until its expiry (false), for instances that have not read the new one yet."
  type        = bool
  default     = false
}

resource "hellgate_api_key" "this" {
  scopes            = var.scopes
  expires_in        = var.expires_in
  rotate_before     = var.rotate_before
  revoke_on_destroy = var.revoke_replaced_keys
  keepers           = var.keepers

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  # The name of the service's secret in the store.
  secret_name = "hellgate-${var.service}"

  # The version a store's write-only argument is written under: the key's
  # secret_version, which changes in exactly the applies that replace the
  # key (it is unknown until the new key exists, and kept from state
  # otherwise), grows with every new key, and fits the 32-bit integer that
  # some store providers' builds read it into. The store is sent the new
  # secret then, and never otherwise.
  secret_version = hellgate_api_key.this.secret_version
}

output "key_id" {
  description = "The id of the service's current key."
  value       = hellgate_api_key.this.id
}

output "expires_at" {
  description = "When the current key expires (RFC 3339)."
  value       = hellgate_api_key.this.expires_at
}

output "secret_version" {
  description = "The version the store holds the current key under; it changes exactly when the key is replaced."
  value       = local.secret_version
}
