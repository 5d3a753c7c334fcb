# Hand a key's secret from a module to another resource without printing it.
#
# key_value is sensitive, so a module output that carries it must be marked
# sensitive too; Terraform then shows "(sensitive value)" in plans and
# outputs, while the real value still flows to whatever references it.
module "checkout_key" {
  source = "./modules/service_key"

  scopes = ["pci:tokens:create", "pci:tokens:read"]
}

# Stands in for a secret store (Vault, AWS Secrets Manager, a Kubernetes
# secret, ...).
# (triggers_replace, not input: terraform_data copies input to output,
# which Terraform does not mark sensitive, so a plan that changes or
# destroys the stand-in would show the old secret.)
resource "terraform_data" "checkout_secret" {
  triggers_replace = {
    path      = "payments/checkout/hellgate-api-key"
    key_value = module.checkout_key.key_value
  }
}

output "checkout_key_id" {
  value = module.checkout_key.id
}

# Shown only on request: terraform output -raw checkout_key_value
output "checkout_key_value" {
  value     = module.checkout_key.key_value
  sensitive = true
}
