# A key leaked that no configuration here manages: revoke it at once with
#   terraform apply -invoke=action.hellgate_revoke_api_key.leaked
# A key that a hellgate_api_key resource manages is replaced with
# terraform apply -replace=ADDRESS instead.
action "hellgate_revoke_api_key" "leaked" {
  config {
    id = "123e4567-e89b-12d3-a456-426614174000"
  }
}
