# Google Secret Manager, write-only: secret_data_wo never reaches the
# store's state or plan. A new secret_data_wo_version replaces the version
# resource, which adds a new version of the secret ("latest"); with
# create_before_destroy it exists before the old one is deleted. The
# version is a number up to provider 7.x and a string from 8.0; Terraform
# converts local.secret_version to either.

terraform {
  required_version = ">= 1.11"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.23.0"
    }
  }
}

resource "google_secret_manager_secret" "this" {
  secret_id = local.secret_name

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "this" {
  secret                 = google_secret_manager_secret.this.id
  secret_data_wo         = hellgate_api_key.this.key_value
  secret_data_wo_version = local.secret_version

  lifecycle {
    create_before_destroy = true
  }
}

output "secret_ref" {
  description = "Where the store keeps the secret."
  value       = google_secret_manager_secret.this.id
}
