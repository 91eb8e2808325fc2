"""LAMBDA_PUBLIC_ACCESS_PROHIBITED: the function's resource policy grants nothing to everyone.

A statement is public when it allows ``*`` / ``{"AWS": "*"}`` (or uses NotPrincipal)
without aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:PrincipalOrgID or
aws:PrincipalAccount, and no explicit Deny takes it back (see policy.py for how
conditions are judged; unknown conditions do not count as restricting, nor do values with a
wildcard in the account, bucket or organization part). As AWS's managed rule
lambda-function-public-access-prohibited and Security Hub control Lambda.1 do, a grant to
s3.amazonaws.com without aws:SourceAccount is public too: a bucket ARN names no account.

Scenarios:
- Given no resource policy, then COMPLIANT.
- Given only statements for named accounts, services or an org-restricted wildcard, then COMPLIANT.
- Given an Allow to "*" without a restricting condition, then NON_COMPLIANT naming the statement.
- Given an Allow to "*" that an explicit Deny for everyone negates, then COMPLIANT.
- Given an Allow to "*" restricted by a wildcard account, bucket or organization id, then NON_COMPLIANT.
- Given an Allow to s3.amazonaws.com with a bucket aws:SourceArn but no aws:SourceAccount, then
  NON_COMPLIANT; with aws:SourceAccount, then COMPLIANT.
- Given an unreadable policy, then NON_COMPLIANT (cannot evaluate).
"""

from lambda_compliance.domain.iam.policy import public_statements, s3_unpinned_statements
from lambda_compliance.domain.iam.resource_policy import policy_statements, refs
from lambda_compliance.runtime.rulebase import ComplianceRule, Remediation, RuleSpec, compliant, handle, non_compliant


class LAMBDA_PUBLIC_ACCESS_PROHIBITED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function resource policy does not grant access to everyone",
        resource_types=("AWS::Lambda::Function",),
        severity="critical",
        family="lambda",
        remediation=Remediation(document="LambdaCompliance-RemovePublicPermissions", resource_parameter="FunctionName"),
    )

    def assess(self, ci, aws, params):
        statements = policy_statements(ci)
        if not statements:
            return [compliant("no resource policy")]
        public = public_statements(statements)
        s3 = [s for s in s3_unpinned_statements(statements) if s not in public]
        problems = []
        if public:
            phrase = "statement {} allows" if len(public) == 1 else "statements {} allow"
            problems.append(f"{phrase.format(refs(public))} anyone to invoke the function")
        if s3:
            phrase = "statement {} lets" if len(s3) == 1 else "statements {} let"
            problems.append(f"{phrase.format(refs(s3))} any account's S3 bucket invoke it (add aws:SourceAccount)")
        if problems:
            return [non_compliant("resource policy " + "; ".join(problems))]
        return [compliant(f"none of {len(statements)} resource policy statements is public")]


def lambda_handler(event, context):
    return handle(LAMBDA_PUBLIC_ACCESS_PROHIBITED, event, context)
