"""The rule runtime: what every deployed rule imports (rule base, parameters, annotations, exemptions,
clock, CI normalisation, the AWS reader, the Lambda entry). Standard library, rdklib and botocore only."""
