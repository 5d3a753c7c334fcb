# The secret store: a stand-in that keeps what it is given in its state,
# as a store resource with a plain sensitive argument does, and takes a
# new secret by being replaced. Replace this file with one from stores/.
#
# (triggers_replace, not input: terraform_data copies input to output,
# which Terraform does not mark sensitive, so a plan that changes or
# destroys the stand-in would show the old secret.)

resource "terraform_data" "store" {
  triggers_replace = {
    name  = local.secret_name
    value = hellgate_api_key.this.key_value
  }
}

output "secret_ref" {
  description = "Where the store keeps the secret."
  value       = local.secret_name
}
