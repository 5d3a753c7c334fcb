# A stray: a key the killed run made that no state holds. Revoke it with
#   terraform apply -invoke=action.hellgate_revoke_api_key.stray
# (Terraform 1.14+); for the next stray, change the id and invoke again.
action "hellgate_revoke_api_key" "stray" {
  config {
    id = "123e4567-e89b-12d3-a456-426614174000"
  }
}
