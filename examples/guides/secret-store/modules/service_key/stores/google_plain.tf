# Google Secret Manager, plain: secret_data is sensitive, but the store's
# state holds it as well. A new value replaces the version resource, which
# adds a new version of the secret ("latest"); with create_before_destroy it
# exists before the old one is deleted.

terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0.0"
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
  secret      = google_secret_manager_secret.this.id
  secret_data = hellgate_api_key.this.key_value

  lifecycle {
    create_before_destroy = true
  }
}

output "secret_ref" {
  description = "Where the store keeps the secret."
  value       = google_secret_manager_secret.this.id
}
