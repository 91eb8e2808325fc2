"""lambda-compliance: custom AWS Config rules for AWS Lambda workloads, mapped to compliance frameworks."""

import logging

__version__ = "0.1.0"

# botocore's DEBUG wire trace prints response bodies, environment variable values included. A secret
# this project detects must never reach a log, so those loggers stay at INFO whatever the root level.
for _wire_logger in ("botocore.parsers", "botocore.endpoint", "botocore.hooks"):
    logging.getLogger(_wire_logger).setLevel(logging.INFO)
