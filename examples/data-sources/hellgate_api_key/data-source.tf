# Audit a key made outside this configuration, for example by another team.
data "hellgate_api_key" "legacy" {
  id = "123e4567-e89b-12d3-a456-426614174000"
}

output "legacy_key_scopes" {
  value = data.hellgate_api_key.legacy.scopes
}

# Warn on every plan once the key has expired.
check "legacy_key_is_valid" {
  assert {
    condition     = !data.hellgate_api_key.legacy.expired
    error_message = "The legacy key expired at ${data.hellgate_api_key.legacy.expires_at}."
  }
}
