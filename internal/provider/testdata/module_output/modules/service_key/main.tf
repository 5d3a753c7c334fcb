terraform {
  required_providers {
    hellgate = {
      source = "starfish-codes/hellgate"
    }
  }
}


variable "scopes" {
  type = set(string)
}

resource "hellgate_api_key" "this" {
  scopes     = var.scopes
  expires_in = 7776000
}

output "id" {
  value = hellgate_api_key.this.id
}

output "key_value" {
  value     = hellgate_api_key.this.key_value
  sensitive = true
}
