# A key for a tokenization service: every operation on PCI tokens, and read
# access to every kind of token, without writing out the list. The function
# returns the valid scopes the patterns match, sorted; a pattern that
# matches nothing (a typo such as "pci:token:*") fails the plan.
resource "hellgate_api_key" "tokenizer" {
  scopes = provider::hellgate::scopes(["pci:tokens:*", "*:tokens:read"])
}

# The same list, to review what the patterns grant:
# ["generic:tokens:read", "network:tokens:read", "pci:tokens:create",
#  "pci:tokens:delete", "pci:tokens:forward", "pci:tokens:read",
#  "pci:tokens:update"]
output "tokenizer_scopes" {
  value = provider::hellgate::scopes(["pci:tokens:*", "*:tokens:read"])
}
