# Two keys, one replaced destroy-then-create and one create-before-destroy
# when a_scopes changes. The test adds the terraform and provider blocks.

variable "a_scopes" {
  type = set(string)
}

resource "hellgate_api_key" "a" {
  scopes     = var.a_scopes
  expires_in = 3600
}

resource "hellgate_api_key" "b" {
  scopes = ["network:tokens:use"]
  lifecycle {
    create_before_destroy = true
  }
}

output "a_id" {
  value = hellgate_api_key.a.id
}
