# Every key that may create card tokens, leaving out expired ones.
data "hellgate_api_keys" "card_writers" {
  scopes          = ["pci:tokens:create"]
  include_expired = false
}

output "card_writer_key_ids" {
  value = data.hellgate_api_keys.card_writers.keys[*].id
}

# Warn when a key that may write card data never expires.
check "card_writers_expire" {
  assert {
    condition = alltrue([
      for key in data.hellgate_api_keys.card_writers.keys : key.expires_at != null
    ])
    error_message = "Keys that may create card tokens must expire; these do not: ${join(", ", [
      for key in data.hellgate_api_keys.card_writers.keys : key.id if key.expires_at == null
    ])}."
  }
}
