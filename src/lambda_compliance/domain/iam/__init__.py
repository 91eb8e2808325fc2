"""IAM: policy documents, resource and trust policies, the action table, effective permissions,
privilege escalation, execution-role data and role sharing."""
