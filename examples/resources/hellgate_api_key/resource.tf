# A key for the checkout service: it may tokenise cards and read the tokens
# back, and expires after 90 days.
resource "hellgate_api_key" "checkout" {
  scopes = [
    "pci:tokens:create",
    "pci:tokens:read",
  ]
  expires_in = 7776000 # 90 days, the longest Hellgate allows
}

# A read-only key for a reporting job that never expires.
resource "hellgate_api_key" "reporting" {
  scopes = ["pci:tokens:read", "network:tokens:read"]
}
