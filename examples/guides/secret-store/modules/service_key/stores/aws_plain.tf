# AWS Secrets Manager, plain: secret_string is sensitive, but the store's
# state holds it as well. A new value replaces the version resource: the
# new value becomes AWSCURRENT, and the one before it AWSPREVIOUS.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 4.0.0"
    }
  }
}

resource "aws_secretsmanager_secret" "this" {
  name = local.secret_name
}

resource "aws_secretsmanager_secret_version" "this" {
  secret_id     = aws_secretsmanager_secret.this.id
  secret_string = hellgate_api_key.this.key_value

  lifecycle {
    create_before_destroy = true
  }
}

output "secret_ref" {
  description = "Where the store keeps the secret."
  value       = aws_secretsmanager_secret.this.arn
}
