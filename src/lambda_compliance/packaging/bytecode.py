"""Compiled bytecode shipped in the layer and the rule zips, so a cold start compiles nothing.

Lambda unpacks a layer into ``/opt`` and a function into ``/var/task``, both read-only: Python
cannot write ``__pycache__`` there, so a layer of sources is compiled again at every cold start
(tens of milliseconds for the library and rdklib). Each ``.py`` therefore ships with its
``__pycache__/<name>.cpython-312.pyc``, compiled by the interpreter of the functions' runtime
(``rule_stack.RUNTIME``: the magic number must be Python 3.12's) as an *unchecked hash* pyc
(PEP 552): the import system uses it without comparing timestamps (zip entries carry a fixed
1980 date) or hashing the source at each start. The build stays reproducible: a hash pyc holds
no timestamp, and every build compiles the same sources in a fresh, isolated interpreter.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from lambda_compliance.packaging.layer import PackagingError

PYTHON_VERSION = (3, 12)  # rule_stack.RUNTIME is python3.12
CACHE_TAG = "cpython-312"
INTERPRETER_VARIABLE = "LAMBDA_COMPLIANCE_PYTHON312"

_COMPILE = """
import json, py_compile, sys
if sys.version_info[:2] != (3, 12):
    sys.exit(f"this is Python {sys.version_info[0]}.{sys.version_info[1]}, not 3.12")
root, targets = sys.argv[1], json.loads(sys.argv[2])
for source, dfile in targets:
    py_compile.compile(f"{root}/{source}", cfile=f"{root}/{source}c", dfile=dfile, doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
"""


def pyc_name(source: str) -> str:
    """``a/b/c.py`` -> ``a/b/__pycache__/c.cpython-312.pyc``, where the import system looks."""
    path = PurePosixPath(source)
    return (path.parent / "__pycache__" / f"{path.stem}.{CACHE_TAG}.pyc").as_posix()


def interpreter() -> str:
    """A Python 3.12 to compile with: an override, this interpreter when it is 3.12, else ``python3.12``."""
    override = os.environ.get(INTERPRETER_VARIABLE, "").strip()
    if override:
        return override
    if sys.version_info[:2] == PYTHON_VERSION:
        return sys.executable
    found = shutil.which("python3.12")
    if found:
        return found
    raise PackagingError(
        f"compiling the layer for Lambda's python3.12 needs a Python 3.12 interpreter: install one or set "
        f"{INTERPRETER_VARIABLE}"
    )


def compiled(entries: Sequence[tuple[str, bytes]], run_root: str) -> list[tuple[str, bytes]]:
    """The pyc entries for the ``.py`` entries of a zip whose names are relative to ``run_root`` in Lambda
    (``/opt`` for the layer, ``/var/task`` for a rule): tracebacks then name the deployed files."""
    sources = [(name, data) for name, data in entries if name.endswith(".py")]
    if not sources:
        return []
    with tempfile.TemporaryDirectory(prefix="lambda-compliance-pyc-") as tmp:
        root = Path(tmp)
        for name, data in sources:
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        targets = [(name, f"{run_root.rstrip('/')}/{name}") for name, _ in sources]
        done = subprocess.run(
            [interpreter(), "-I", "-S", "-B", "-c", _COMPILE, str(root), json.dumps(targets)],
            capture_output=True,
            text=True,
            check=False,
            env={**{k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}, "PYTHONHASHSEED": "0"},
        )
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise PackagingError(f"compiling the layer with {interpreter()} failed: {last}")
        return [(pyc_name(name), (root / f"{name}c").read_bytes()) for name, _ in sources]
