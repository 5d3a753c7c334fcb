# HashiCorp Vault (KV version 2), plain: data_json is sensitive, but the
# store's state holds it as well. The 5.x providers need Terraform 1.11,
# so this pins the provider below 5; with Terraform 1.11+ drop "< 5.0.0".

terraform {
  required_providers {
    vault = {
      source  = "hashicorp/vault"
      version = ">= 3.7.0, < 5.0.0"
    }
  }
}

variable "vault_mount" {
  description = "The path the KV version 2 secrets engine is mounted at, such as \"kvv2\"."
  type        = string
}

resource "vault_kv_secret_v2" "this" {
  mount     = var.vault_mount
  name      = local.secret_name
  data_json = jsonencode({ api_key = hellgate_api_key.this.key_value })
}

output "secret_ref" {
  description = "Where the store keeps the secret."
  value       = vault_kv_secret_v2.this.path
}
