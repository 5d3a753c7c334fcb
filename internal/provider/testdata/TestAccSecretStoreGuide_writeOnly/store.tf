# The secret store, for the test: a stand-in for a store resource with a
# write-only argument and its version, in place of the example's store.tf.

module "store" {
  source = "./write_only_store"

  name             = local.secret_name
  value_wo         = hellgate_api_key.this.key_value
  value_wo_version = local.secret_version
}

output "secret_ref" {
  description = "Where the store keeps the secret."
  value       = module.store.name
}
