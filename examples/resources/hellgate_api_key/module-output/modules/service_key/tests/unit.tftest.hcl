# Unit tests of the module: no cluster, no credentials, no network.
# mock_provider (Terraform 1.7+) stands in for the hellgate provider and
# makes up values for what Hellgate would compute.
mock_provider "hellgate" {
  mock_resource "hellgate_api_key" {
    defaults = {
      id         = "123e4567-e89b-12d3-a456-426614174000"
      created_at = "2025-01-01T00:00:00Z"
      expires_at = "2025-04-01T00:00:00Z"
      key_value  = "key_made_up_for_the_test"
    }
  }
}

variables {
  scopes = ["pci:tokens:create", "pci:tokens:read"]
}

run "key_has_the_service_scopes" {
  assert {
    condition     = hellgate_api_key.this.scopes == toset(["pci:tokens:create", "pci:tokens:read"])
    error_message = "The key does not have the scopes the service asked for."
  }

  assert {
    condition     = hellgate_api_key.this.expires_in == 7776000
    error_message = "The key does not expire after 90 days by default."
  }
}

run "outputs_hand_on_the_key" {
  assert {
    condition     = output.id == "123e4567-e89b-12d3-a456-426614174000"
    error_message = "The id output is not the key's id."
  }

  assert {
    condition     = output.key_value == "key_made_up_for_the_test"
    error_message = "The key_value output is not the key's secret."
  }
}

run "shorter_lifetime" {
  command = plan

  variables {
    expires_in = 86400
  }

  assert {
    condition     = hellgate_api_key.this.expires_in == 86400
    error_message = "expires_in is not passed to the key."
  }
}
