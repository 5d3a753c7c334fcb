# A Kubernetes Secret, write-only: data_wo never reaches the store's state
# or plan; the Secret is updated whenever data_wo_revision changes. Pods
# that mount it see the new key after the kubelet's next sync; pods that
# read it into environment variables see it only when restarted.
# 3.2.1, not 2.36.0 (the first with data_wo): 3.0.0 to 3.2.0 fail creates
# that use data_wo with "Missing Resource Identity After Create".

terraform {
  required_version = ">= 1.11"

  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 3.2.1"
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

  data_wo = {
    api_key = hellgate_api_key.this.key_value
  }
  data_wo_revision = local.secret_version
}

output "secret_ref" {
  description = "Where the store keeps the secret."
  value       = "${var.namespace}/${kubernetes_secret_v1.this.metadata[0].name}"
}
