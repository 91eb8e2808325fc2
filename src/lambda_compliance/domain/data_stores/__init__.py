"""Data stores and keys: DynamoDB, KMS, Secrets Manager and its rotation, SSM parameters."""
