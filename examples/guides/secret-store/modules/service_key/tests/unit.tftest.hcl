# Unit tests of the module: no cluster, no credentials, no network.
# mock_provider (Terraform 1.7+) stands in for the hellgate provider. It
# makes up a random string for each computed string attribute and 0 for a
# number, so the overrides give created_at and expires_at as real RFC 3339
# timestamps (a made-up string fails any expression that reads one, such as
# formatdate or timecmp) and secret_version as the provider derives it from
# created_at (0 is below any version the provider gives).
mock_provider "hellgate" {
  mock_resource "hellgate_api_key" {
    defaults = {
      id             = "123e4567-e89b-12d3-a456-426614174000"
      created_at     = "2025-01-01T00:00:00Z"
      expires_at     = "2025-04-01T00:00:00Z"
      secret_version = 126489601 # quarter seconds from 2024-01-01 to created_at, plus one
      key_value      = "key_made_up_for_the_test"
    }
  }
}

variables {
  service       = "checkout"
  scopes        = ["pci:tokens:create", "pci:tokens:read"]
  expires_in    = 7776000
  rotate_before = "720h"
}

run "key_and_store" {
  assert {
    condition     = hellgate_api_key.this.scopes == toset(["pci:tokens:create", "pci:tokens:read"])
    error_message = "The key does not have the scopes the service asked for."
  }

  assert {
    condition     = hellgate_api_key.this.revoke_on_destroy == false
    error_message = "A replaced key is revoked by default; the module leaves it to expire."
  }

  assert {
    condition     = nonsensitive(terraform_data.store.triggers_replace.value == "key_made_up_for_the_test")
    error_message = "The store was not given the key's secret."
  }

  assert {
    condition     = output.secret_version == 126489601 && output.secret_ref == "hellgate-checkout"
    error_message = "The outputs do not describe the key in the store."
  }
}

run "a_rotated_key_has_a_larger_version" {
  # A replacement, as a keeper's change or the rotation window plans it
  # (mock_provider runs none of the provider's plan logic, so -replace
  # stands in for it); the override is the new key Hellgate would make.
  plan_options {
    replace = [hellgate_api_key.this]
  }

  # The earlier run's outputs come in as variables: OpenTofu's assertions
  # cannot refer to run blocks.
  variables {
    previous_secret_version = run.key_and_store.secret_version
  }

  override_resource {
    target = hellgate_api_key.this
    values = {
      id             = "223e4567-e89b-12d3-a456-426614174000"
      created_at     = "2025-01-01T00:00:00Z" # within the same second
      expires_at     = "2025-04-01T00:00:00Z"
      secret_version = 126489603
      key_value      = "next_key_made_up_for_the_test"
    }
  }

  assert {
    condition     = output.secret_version > var.previous_secret_version
    error_message = "The store's version did not grow with the new key."
  }

  assert {
    condition     = nonsensitive(terraform_data.store.triggers_replace.value == "next_key_made_up_for_the_test")
    error_message = "The store was not given the new key's secret."
  }
}

run "bad_service_name" {
  command = plan

  variables {
    service = "Checkout_API"
  }

  expect_failures = [var.service]
}
