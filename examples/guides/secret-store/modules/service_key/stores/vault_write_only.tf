# HashiCorp Vault (KV version 2), write-only: data_json_wo never reaches the
# store's state or plan; Vault is sent the secret whenever
# data_json_wo_version changes. Each write is a new version of the secret.

terraform {
  required_version = ">= 1.11"

  required_providers {
    vault = {
      source  = "hashicorp/vault"
      version = ">= 5.0.0"
    }
  }
}

variable "vault_mount" {
  description = "The path the KV version 2 secrets engine is mounted at, such as \"kvv2\"."
  type        = string
}

resource "vault_kv_secret_v2" "this" {
  mount                = var.vault_mount
  name                 = local.secret_name
  data_json_wo         = jsonencode({ api_key = hellgate_api_key.this.key_value })
  data_json_wo_version = local.secret_version
}

output "secret_ref" {
  description = "Where the store keeps the secret."
  value       = vault_kv_secret_v2.this.path
}
