# The keys made while the killed run ran, for terraform query (Terraform
# 1.14+): created at or after created_after, and before created_before.
list "hellgate_api_key" "killed_run" {
  provider = hellgate
  limit    = 1000 # terraform query stops at 100 results without it

  config {
    created_after  = "2026-03-02T14:05:00Z" # a minute before the run started
    created_before = "2026-03-02T14:20:00Z" # a few minutes after it was killed
    # include_expired = true would also list keys that have expired since.
  }
}
