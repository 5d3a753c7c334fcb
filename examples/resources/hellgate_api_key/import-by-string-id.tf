# Adopt an existing key by its id; the resource block must match the key's
# scopes and lifetime, or the plan replaces it.
import {
  to = hellgate_api_key.checkout
  id = "123e4567-e89b-12d3-a456-426614174000"
}
