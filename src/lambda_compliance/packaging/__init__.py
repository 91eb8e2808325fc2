"""Build-time code: the layer, the rule zips and the CloudFormation templates. Never shipped to Lambda."""
