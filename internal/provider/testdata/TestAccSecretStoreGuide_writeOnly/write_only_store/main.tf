# Stands in for a store resource with a write-only argument and its
# version (value_wo and value_wo_version). The value arrives in an
# ephemeral variable, so Terraform keeps it out of every state and plan,
# as it does a write-only argument. The store takes it only when the
# version differs from the one it holds (Vault, Azure Key Vault and
# Kubernetes compare the version in state with the applied one): a change
# of the version replaces terraform_data.delivery, whose provisioner then
# compares it with store-version, and on a difference records it there and
# appends the version and the value's SHA-256 to deliveries.log, one line
# per delivery, both in the root module's folder.

variable "name" {
  type = string
}

variable "value_wo" {
  type      = string
  ephemeral = true
  sensitive = true
}

variable "value_wo_version" {
  type = number
}

resource "terraform_data" "delivery" {
  triggers_replace = [var.name, var.value_wo_version]

  provisioner "local-exec" {
    command = <<-EOT
      if [ "$(cat store-version 2>/dev/null)" != "$VERSION" ]; then
        printf '%s\n' "$VERSION" > store-version
        printf '%s %s\n' "$VERSION" "$VALUE_SHA256" >> deliveries.log
      fi
    EOT
    environment = {
      VERSION      = var.value_wo_version
      VALUE_SHA256 = sha256(var.value_wo)
    }
  }
}

output "name" {
  value = var.name
}
