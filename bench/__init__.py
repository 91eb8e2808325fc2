"""``make bench``: lambda-compliance measured against a naive audit script, on a moto server on 127.0.0.1.

- ``estate``: N functions with realistic variety (shared roles, inline and managed policies, env vars,
  VPCs, function URLs, resource policies, log groups, KMS keys, concurrency, tags).
- ``baseline``: the naive auditor (one function at a time, everything fetched anew for each).
- ``run``: both auditors on the same functions and checks, cold imports, warm evaluation latency,
  periodic rules' requests at 10,000 functions; writes ``results.json`` and ``RESULTS.md``.
"""
