terraform {
  required_providers {
    hellgate = {
      source = "starfish-codes/hellgate"
    }
  }
}

# Cluster and credential come from HELLGATE_ENDPOINT and HELLGATE_ADMIN_TOKEN.
provider "hellgate" {}

module "checkout" {
  source = "./modules/service_key"
  scopes = ["pci:tokens:create", "pci:tokens:read"]
}

# Stands in for a secret store: the key travels through the module output
# without ever being printed.
resource "terraform_data" "secret_store" {
  input = {
    name      = "hellgate/checkout"
    key_value = module.checkout.key_value
  }
}

output "key_id" {
  value = module.checkout.id
}
