"""Where a rendered document goes: the chosen format to stdout or ``--output``, every file format
into ``--reports DIR``. Messages for the user (what was written) go to ``note``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any


class OutputError(ValueError):
    """A report cannot be written or rendered as asked; one line."""


@dataclass(frozen=True)
class OutputOptions:
    format: str = "table"
    path: str | None = None  # --output
    reports_dir: str | None = None  # --reports
    details: bool = False  # table: every failing resource
    quiet: bool = False  # table: the summary line only
    demo: bool = False  # table: the demo's hints

    def check(self) -> None:
        from lambda_compliance import report

        if self.format not in report.renderers():
            choices = ", ".join(sorted(report.renderers()))
            raise OutputError(f"unknown format '{self.format}' (choose from {choices})")


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def write(document: dict[str, Any], options: OutputOptions, note: Callable[[str], None] = _stderr) -> None:
    """``--reports DIR`` first (every file format), then the chosen format."""
    if options.reports_dir:
        from lambda_compliance.report import compliance

        try:
            written = compliance.write_reports(document, options.reports_dir)
        except OSError as exc:
            raise OutputError(f"cannot write {options.reports_dir}: {exc.strerror}") from None
        note(f"wrote reports: {', '.join(written)}")
    emit(document, options, note)


def emit(document: dict[str, Any], options: OutputOptions, note: Callable[[str], None] = _stderr) -> None:
    from rich.console import Console

    from lambda_compliance import report

    renderer = report.renderers()[options.format]
    if options.format == "table":
        view = {
            "details": options.details,
            "quiet": options.quiet,
            "reports": options.reports_dir,
            "demo": options.demo,
        }
        renderer = partial(renderer, **view)
        if "before_remediation" in document and not options.quiet:
            from lambda_compliance.remediation.demo import with_before_after

            renderer = with_before_after(renderer)
    if options.path:
        path = Path(options.path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if options.format == "table":
                with path.open("w", encoding="utf-8") as handle:
                    renderer(document, Console(file=handle, width=160, no_color=True))
            elif options.format in report.writers():
                with path.open("w", encoding="utf-8") as handle:
                    report.writers()[options.format](document, handle)
            else:
                path.write_text(renderer(document, None) or "", encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror}") from None
        note(f"wrote {options.format} report to {path}")
        return
    if options.format in report.writers():
        report.writers()[options.format](document, sys.stdout)
        return
    text = renderer(document, Console())
    if text is not None:
        sys.stdout.write(text)
