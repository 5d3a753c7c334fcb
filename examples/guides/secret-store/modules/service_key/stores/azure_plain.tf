# Azure Key Vault, plain: value is sensitive, but the store's state holds
# it as well. Each new value is a new version of the secret.

terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 3.0.0"
    }
  }
}

variable "key_vault_id" {
  description = "The id of the Key Vault to keep the secret in."
  type        = string
}

resource "azurerm_key_vault_secret" "this" {
  name         = local.secret_name
  key_vault_id = var.key_vault_id
  value        = hellgate_api_key.this.key_value
}

output "secret_ref" {
  description = "Where the store keeps the secret."
  value       = azurerm_key_vault_secret.this.versionless_id
}
