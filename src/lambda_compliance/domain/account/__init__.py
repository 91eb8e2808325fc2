"""Account services: CloudTrail, GuardDuty and Inspector, the VPCs that host functions."""
