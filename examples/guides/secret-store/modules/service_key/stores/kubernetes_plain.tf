# A Kubernetes Secret, plain: data is sensitive, but the store's state holds
# it as well. Pods that mount the Secret see the new key after the
# kubelet's next sync; pods that read it into environment variables see it
# only when restarted.

terraform {
  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 2.9.0"
    }
  }
}

variable "namespace" {
  description = "The namespace of the service that reads the Secret."
  type        = string
}

resource "kubernetes_secret_v1" "this" {
  metadata {
    name      = local.secret_name
    namespace = var.namespace
  }

  data = {
    api_key = hellgate_api_key.this.key_value
  }
}

output "secret_ref" {
  description = "Where the store keeps the secret."
  value       = "${var.namespace}/${kubernetes_secret_v1.this.metadata[0].name}"
}
