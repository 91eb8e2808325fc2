"""SSM Automation remediation: the documents, a local runner, the pack wiring, the demo's before/after.

* ``sources/`` — one module per document (``DOCUMENT`` + ``handler``); ``build``
  turns them into ``templates/ssm/*.yaml`` and ``templates/remediation.yaml``.
* ``runner`` — loads a document, validates its parameters and runs its
  ``aws:executeScript`` steps against boto3 (moto in tests and the demo).
* ``wiring`` — ``remediation_target(remediation)``: what an
  AWS::Config::RemediationConfiguration in a pack needs for a rule.
* ``demo`` — ``scan --demo --remediate``: apply the safe remediations and rescan.
"""
