# Azure Key Vault, write-only: value_wo never reaches the store's state or
# plan; Key Vault is sent the secret, as a new version of it, whenever
# value_wo_version changes.

terraform {
  required_version = ">= 1.11"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 4.23.0"
    }
  }
}

variable "key_vault_id" {
  description = "The id of the Key Vault to keep the secret in."
  type        = string
}

resource "azurerm_key_vault_secret" "this" {
  name             = local.secret_name
  key_vault_id     = var.key_vault_id
  value_wo         = hellgate_api_key.this.key_value
  value_wo_version = local.secret_version
}

output "secret_ref" {
  description = "Where the store keeps the secret."
  value       = azurerm_key_vault_secret.this.versionless_id
}
