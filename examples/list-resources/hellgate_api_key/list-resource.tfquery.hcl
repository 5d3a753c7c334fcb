# Every key that can tokenise cards, for terraform query (Terraform 1.14+).
# terraform query stops at limit results, 100 when it is not set.
list "hellgate_api_key" "card_keys" {
  provider = hellgate
  limit    = 1000

  config {
    scopes = ["pci:tokens:create"]
    # include_expired = true would also list expired keys; configuration
    # generated for them plans their replacement.
  }
}
