"""API Gateway: stage and method identity from CIs, settings and their judgements."""
