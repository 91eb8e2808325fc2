"""lambda-compliance: custom AWS Config rules for AWS Lambda workloads, mapped to compliance frameworks."""

__version__ = "0.1.0"
