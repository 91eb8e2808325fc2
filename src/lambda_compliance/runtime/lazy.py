"""Regular expressions compiled on first use, not at import.

A rule's Lambda imports the library at every cold start, and compiling the pattern tables there
(credential shapes, AWS identifier formats) took longer than the rest of the import: most
invocations use a handful of them, many none. ``LazyPattern`` holds the source and compiles it the
first time a method is called; afterwards the compiled pattern's methods are found directly on the
object, so a hot loop pays nothing extra.
"""

from __future__ import annotations

import re
from typing import Any

# Looked up once, then kept on the instance: later lookups skip __getattr__.
_FORWARDED = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "groupindex", "groups")


class LazyPattern:
    """``re.compile(pattern, flags)``, done on first use; offers the compiled pattern's methods."""

    def __init__(self, pattern: str, flags: int | re.RegexFlag = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    def compiled(self) -> re.Pattern[str]:
        found = self.__dict__.get("_compiled")
        if found is None:
            found = re.compile(self.pattern, self._flags)
            for name in _FORWARDED:
                self.__dict__[name] = getattr(found, name)
            # Two threads may both compile it: the same pattern, either may win.
            self.__dict__["_compiled"] = found
        return found

    @property
    def is_compiled(self) -> bool:
        return "_compiled" in self.__dict__

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_flags", "_compiled"):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


def lazy(pattern: str, flags: int | re.RegexFlag = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
