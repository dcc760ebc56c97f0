"""What a fresh gatepost process does first, so that it starts fast.

A hook without the resident process pays for every module it imports, on every call. Two
standard modules are imported by others only for a use a hook never has, so they wait for
their first use (:class:`Deferred`): ``inspect`` (with ``ast``, ``dis``, ``tokenize``: about
8 ms), which ``dataclasses`` needs only to write a docstring for a class without one (every
gatepost model has its own), and ``ipaddress`` (about 1.5 ms), which ``urllib.parse`` (imported
by ``pathlib``) needs only to check a bracketed host. Then gatepost's dataclasses are served
from kept code (:mod:`gatepost._classcode`).
"""

from __future__ import annotations

import sys
from types import ModuleType

TYPE_CHECKING = False  # not typing's: a cold hook does not import typing
if TYPE_CHECKING:
    from typing import Any

DEFERRED = ("inspect", "ipaddress")


class Deferred(ModuleType):
    """Stands in ``sys.modules`` for a module not imported yet; the first attribute read
    imports the real module (which then replaces the stand-in) and serves from it."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = __import__(self.__name__)
        self.__dict__.update((k, v) for k, v in vars(real).items() if k != "__class__")
        return getattr(real, name)


def defer(name: str) -> None:
    """Put a :class:`Deferred` for ``name`` in ``sys.modules`` unless it is imported already."""
    if name not in sys.modules:
        sys.modules[name] = Deferred(name)


def prepare() -> None:
    """Defer :data:`DEFERRED`, then serve gatepost's dataclasses from kept code."""
    if "dataclasses" not in sys.modules:  # else inspect is imported already
        for name in DEFERRED:
            defer(name)
    from gatepost import _classcode

    _classcode.install()
