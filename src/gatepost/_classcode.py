"""Compiled code of gatepost's model methods, kept between runs like bytecode.

The methods of a model class (``__init__``, ``__eq__``, ``__hash__``, ``__setattr__``, ...)
are written as source and compiled each time the class is created, by :mod:`gatepost.record`
and, for the few plain dataclasses left, by CPython's ``dataclasses`` (before 3.13): a hook
without the resident process would pay that on every call. This keeps the code objects
compiled from those sources in a marshal file beside gatepost's own bytecode, keyed by the
exact source text: :func:`compiled` serves ``record``, and ``dataclasses`` gets an ``exec``
that runs the kept code object when it has one. Running a code object compiled from the same
text is what ``exec`` of that text does, so the classes are the same; only gatepost's modules
are served (other packages' dataclasses compile as usual).

The file has the trust of the ``.pyc`` files beside it (it lives in the same folder and is
read the same way, with ``marshal``). It is only written where bytecode may be written (not
under ``PYTHONDONTWRITEBYTECODE``, not where the folder is read-only), unless :func:`save`
is called with ``force=True`` (the benchmarks do, after compiling the bytecode).
"""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import os
import sys
from importlib._bootstrap_external import MAGIC_NUMBER
from types import CodeType

TYPE_CHECKING = False  # not typing's: a cold hook does not import typing
if TYPE_CHECKING:
    from typing import Any

_PATH = os.path.join(
    os.path.dirname(__file__), "__pycache__", f"dataclass-code.{sys.implementation.cache_tag}.bin"
)
_MAX_BYTES = 4 * 1024 * 1024  # past this, start again (old sources of edited classes pile up)
_codes: dict[str, CodeType] = {}
_added = False


def _load() -> None:
    try:
        with open(_PATH, "rb") as f:
            blob = f.read(_MAX_BYTES + 1)
        if blob[:4] != MAGIC_NUMBER or len(blob) > _MAX_BYTES:
            return
        codes = marshal.loads(blob[4:])
    except (OSError, ValueError, EOFError, TypeError):
        return
    if isinstance(codes, dict):
        _codes.update(
            (k, v) for k, v in codes.items() if isinstance(k, str) and isinstance(v, CodeType)
        )


def compiled(source: str) -> CodeType:
    """The code of ``source`` (as ``compile(source, "<string>", "exec")``), kept."""
    global _added
    code = _codes.get(source)
    if code is None:
        code = _codes[source] = compile(source, "<string>", "exec")
        _added = True
    return code


def _exec(source: Any, globals_: Any = None, locals_: Any = None) -> None:
    module = globals_.get("__name__", "") if isinstance(globals_, dict) else ""
    if not (isinstance(source, str) and module.startswith("gatepost")):
        builtins.exec(source, globals_, locals_)
        return
    builtins.exec(compiled(source), globals_, locals_)


def save(*, force: bool = False) -> None:
    """Write the kept code if this process compiled any that was not kept yet."""
    if not _added or (sys.dont_write_bytecode and not force):
        return
    from gatepost.cachefile import write_cache

    write_cache(_PATH, MAGIC_NUMBER + marshal.dumps(_codes))


def install() -> None:
    """Serve gatepost's dataclasses from the kept code (once per process)."""
    if getattr(dataclasses, "exec", None) is _exec:
        return
    _load()
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # dataclasses looks up exec as a global
    import atexit

    atexit.register(save)
