# AWS Secrets Manager, write-only: secret_string_wo never reaches the
# store's state or plan. A new secret_string_wo_version replaces the
# version resource: the new value becomes AWSCURRENT, and the one before
# it AWSPREVIOUS.

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.88.0"
    }
  }
}

resource "aws_secretsmanager_secret" "this" {
  name = local.secret_name
}

resource "aws_secretsmanager_secret_version" "this" {
  secret_id                = aws_secretsmanager_secret.this.id
  secret_string_wo         = hellgate_api_key.this.key_value
  secret_string_wo_version = local.secret_version

  lifecycle {
    create_before_destroy = true
  }
}

output "secret_ref" {
  description = "Where the store keeps the secret."
  value       = aws_secretsmanager_secret.this.arn
}
