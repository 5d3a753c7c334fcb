# The same keys through the data source (any Terraform or OpenTofu
# version): terraform apply here reads them, and changes nothing.
data "hellgate_api_keys" "killed_run" {
  created_after  = "2026-03-02T14:05:00Z" # a minute before the run started
  created_before = "2026-03-02T14:20:00Z" # a few minutes after it was killed
}

# Each key's id, with when it was made and its scopes:
#   terraform output -json keys_made_during_run
output "keys_made_during_run" {
  value = {
    for k in data.hellgate_api_keys.killed_run.keys :
    k.id => "${k.created_at} ${join(",", sort(k.scopes))}"
  }
}
