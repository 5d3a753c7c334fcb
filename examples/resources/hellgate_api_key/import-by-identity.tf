# Adopt an existing key by its identity (Terraform 1.12+, OpenTofu 1.12+);
# the resource block must match the key's scopes and lifetime, or the plan
# replaces it.
import {
  to = hellgate_api_key.checkout
  identity = {
    id = "123e4567-e89b-12d3-a456-426614174000"
  }
}
