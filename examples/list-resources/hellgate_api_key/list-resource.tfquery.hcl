# Every key that can tokenise cards, with what an import of each would
# record, ready for terraform query -generate-config-out=FILE. Without a
# limit, terraform query stops at 100 results.
list "hellgate_api_key" "card_keys" {
  provider         = hellgate
  include_resource = true
  limit            = 1000

  config {
    scopes = ["pci:tokens:create"]
    # include_expired = true would also list expired keys; configuration
    # generated for them plans their replacement.
  }
}
