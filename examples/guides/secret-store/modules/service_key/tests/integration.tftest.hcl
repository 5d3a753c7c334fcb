# Integration test of the module against a real provider and a cluster, for
# example the mock cluster: `make mock` in the provider's repository, then
# HELLGATE_ENDPOINT=http://127.0.0.1:8089 and HELLGATE_ADMIN_TOKEN=<the
# token it prints>. It runs with the module's store.tf, the stand-in;
# terraform test destroys what it made at the end.
variables {
  service       = "checkout"
  scopes        = ["pci:tokens:read"]
  expires_in    = 3600
  rotate_before = "10m"
  keepers       = { release = "1" }
  # Revoke every key the test made, the replaced one included, so that
  # none is left on the cluster.
  revoke_replaced_keys = true
}

run "creates_a_key_and_stores_it" {
  assert {
    condition     = can(regex("^[0-9a-f-]{36}$", output.key_id))
    error_message = "The cluster did not return a key id."
  }

  assert {
    condition     = output.secret_version >= 1 && output.secret_version <= 2147483647
    error_message = "secret_version does not fit a 32-bit signed integer."
  }

  assert {
    condition     = nonsensitive(terraform_data.store.triggers_replace.value == hellgate_api_key.this.key_value)
    error_message = "The store was not given the key's secret."
  }

  assert {
    condition     = output.secret_ref == "hellgate-checkout"
    error_message = "secret_ref is not the secret's name."
  }

  assert {
    condition = nonsensitive(!anytrue([
      for v in [output.key_id, output.expires_at, tostring(output.secret_version), output.secret_ref] :
      strcontains(v, hellgate_api_key.this.key_value)
    ]))
    error_message = "An output holds the key's secret."
  }
}

run "a_new_release_rotates_the_key" {
  # The earlier run's outputs come in as variables: OpenTofu's assertions
  # cannot refer to run blocks.
  variables {
    keepers                 = { release = "2" }
    previous_key_id         = run.creates_a_key_and_stores_it.key_id
    previous_secret_version = run.creates_a_key_and_stores_it.secret_version
  }

  assert {
    condition     = output.key_id != var.previous_key_id
    error_message = "A keeper's change did not replace the key."
  }

  assert {
    condition     = output.secret_version > var.previous_secret_version
    error_message = "The new key's secret_version is not larger than the old one's, so a write-only store would not take the new secret."
  }

  assert {
    condition     = nonsensitive(terraform_data.store.triggers_replace.value == hellgate_api_key.this.key_value)
    error_message = "The store was not given the new key's secret."
  }

  assert {
    condition = nonsensitive(!anytrue([
      for v in [output.key_id, output.expires_at, tostring(output.secret_version), output.secret_ref] :
      strcontains(v, hellgate_api_key.this.key_value)
    ]))
    error_message = "An output holds the new key's secret."
  }
}
