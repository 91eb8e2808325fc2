"""What one scan is asked to do: a frozen ``ScanRequest`` the CLI builds from its arguments.

The scanner (``scanner.run``) turns it into one ``ScanResult``; nothing on the scan path reads
argparse or calls back into the CLI. A problem the user can fix (an unknown rule, an unreadable
snapshot, rejected credentials) is raised as ``ScanInputError`` with a one-line message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ScanInputError(ValueError):
    """The request cannot run as given; the message says why in one line (the CLI exits 2)."""


@dataclass(frozen=True)
class AccountSource:
    """Live accounts through AWS APIs: the credentials' account, assumed roles or an organization.

    ``session`` is a boto3 session (the demo's, or a test's); without one, ``profile`` (or the
    environment) makes it. ``regions`` is a list, "all", or None for the configuration's / home region.
    """

    session: Any = None
    profile: str | None = None
    region: str | None = None  # --region: also the only region scanned when ``regions`` is None
    home_region: str | None = None  # where STS and Organizations are asked (default: region, session's, us-east-1)
    endpoint_url: str | None = None
    regions: tuple[str, ...] | str | None = None
    role_arns: tuple[str, ...] = ()
    org_role: str | None = None


@dataclass(frozen=True)
class SnapshotSource:
    path: str


@dataclass(frozen=True)
class TemplateSource:
    paths: tuple[str, ...]
    overrides: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RuleSelection:
    """``--rules`` / ``--family`` (comma-separated) and ``--framework``; the configuration disables more."""

    names: str | None = None
    families: str | None = None
    framework: str | None = None


@dataclass(frozen=True)
class ScanRequest:
    source: AccountSource | SnapshotSource | TemplateSource
    settings: Any  # config_file.Settings: parameters, exemptions, disabled rules, default targets
    rules: RuleSelection = field(default_factory=RuleSelection)
    output: Any = None  # report.OutputOptions: read by the renderers, never by the scanner
