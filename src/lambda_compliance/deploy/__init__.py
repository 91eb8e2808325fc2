"""Deploy-time code: the plan, the checks and the AWS calls of ``lambda-compliance deploy``. Never shipped to Lambda."""
