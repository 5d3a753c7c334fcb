# Integration test of the module against a real provider and a cluster, for
# example the mock cluster: `make mock` in the provider's repository, then
# HELLGATE_ENDPOINT=http://127.0.0.1:8089 and HELLGATE_ADMIN_TOKEN=<the
# token it prints>. terraform test destroys what it made at the end.
variables {
  scopes     = ["pci:tokens:read"]
  expires_in = 3600
}

run "creates_a_working_key" {
  assert {
    condition     = can(regex("^[0-9a-f-]{36}$", output.id))
    error_message = "The cluster did not return a key id."
  }

  assert {
    condition     = output.key_value != null && output.key_value != ""
    error_message = "The key's secret did not reach the module output."
  }

  assert {
    condition     = timecmp(output.expires_at, plantimestamp()) > 0
    error_message = "The key is already expired."
  }
}
