"""LAMBDA_ROLE_NO_WILDCARD_RESOURCES: the execution role allows no write or permissions-management
action on every resource.

Every resource is Resource "*", NotResource, or an ARN whose resource part names nothing in its
service's format (``arn:aws:s3:::*/*``, ``arn:aws:dynamodb:*:*:table/*``, ``arn:aws:sqs:*:*:*``,
``arn:aws:lambda:*:*:function:*``); such an ARN reaches only the actions of its own service.

Access levels come from the shipped IAM action table (iam_actions.py). Actions that accept no resource
ARN (e.g. xray:PutTraceSegments) cannot be scoped and are not findings. *exemptActions* lists what an
organisation accepts on "*"; by default the log and network-interface actions of AWS's own Lambda
execution policies (AWSLambdaBasicExecutionRole, AWSLambdaVPCAccessExecutionRole), which every function
needs and which AWS grants on "*".

Scenarios:
- Given writes scoped to named resources (or only reads on "*"), then COMPLIANT.
- Given s3:PutObject, iam:PutRolePolicy or "s3:Put*" on "*" (or NotResource), then NON_COMPLIANT naming the
  actions and the statement.
- Given s3:PutObject on arn:aws:s3:::*/* or dynamodb:PutItem on table/*, then NON_COMPLIANT; on one bucket's
  objects or one table, then COMPLIANT.
- Given only the exempt actions on "*", then COMPLIANT.
- Given a write on "*" removed by an explicit Deny, then COMPLIANT.
- Given a role that no longer exists, then NOT_APPLICABLE.
- Given exemptActions that are not action patterns, then InvalidParametersError naming exemptActions.
"""

from lambda_compliance.domain.iam.analysis import summarise, wildcard_resource_writes
from lambda_compliance.domain.iam.role_data import ROLE_READ_ACTIONS, ROLE_RELATED_TYPES, ExecutionRoleRule
from lambda_compliance.runtime.annotations import ANNOTATION_LIMIT
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class LAMBDA_ROLE_NO_WILDCARD_RESOURCES(ExecutionRoleRule):
    spec = RuleSpec(
        title="Lambda function execution role allows no write action on every resource",
        resource_types=("AWS::Lambda::Function",),
        severity="medium",
        family="role",
        parameters=(
            Param.string_list(
                "exemptActions",
                (
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "ec2:CreateNetworkInterface",
                    "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:UnassignPrivateIpAddresses",
                ),
                "Actions (wildcards allowed) accepted on Resource *",
                pattern=r"[A-Za-z0-9-]+:[A-Za-z0-9*?]+",
            ),
        ),
        iam_actions=ROLE_READ_ACTIONS,
        related_types=ROLE_RELATED_TYPES,
    )

    def assess_role(self, ci, aws, name, role, params):
        findings = wildcard_resource_writes(role.permissions, exempt=params["exemptActions"])
        if findings:
            prefix = f"execution role {name} allows writes on every resource: "
            return [non_compliant(prefix + summarise(findings, ANNOTATION_LIMIT - len(prefix), actions=True))]
        return [compliant(f"execution role {name} scopes every write action to named resources")]


def lambda_handler(event, context):
    return handle(LAMBDA_ROLE_NO_WILDCARD_RESOURCES, event, context)
