"""The scan's progress on the terminal: the scanner advances a ``ProgressSink``; this one draws it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from lambda_compliance.scanner.collectors import ProgressSink


@contextmanager
def progress_bar(enabled: bool) -> Iterator[ProgressSink]:
    """A progress bar on stderr (rich, transient) the scanner advances; a silent sink when not ``enabled``."""
    if not enabled:
        yield ProgressSink()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("[bold]scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("scan", total=0)

    class Bar(ProgressSink):
        def add_total(self, n: int) -> None:
            progress.update(task, total=(progress.tasks[0].total or 0) + n)

        def advance(self, n: int = 1) -> None:
            progress.advance(task, n)

    with progress:
        yield Bar()
