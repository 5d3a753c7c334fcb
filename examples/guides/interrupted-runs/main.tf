# A folder of its own, next to the configuration whose run was killed: it
# only reads keys and revokes the strays you name, and never touches that
# configuration's state.
terraform {
  required_providers {
    hellgate = {
      source  = "starfish-codes/hellgate"
      version = "~> 0.1"
    }
  }
}

# The cluster the killed run worked on; the credential comes from the
# environment (HELLGATE_API_KEY or HELLGATE_ADMIN_TOKEN).
provider "hellgate" {
  cluster_id = "my-cluster-id"
}
