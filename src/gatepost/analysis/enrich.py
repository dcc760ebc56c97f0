"""Enrichment (DESIGN §1, §2): an Action as the adapter built it -> the Action analysed.

Pure: no I/O, no clock, no globals read. Idempotent: ``enrich(enrich(a)) == enrich(a)``.
The parts of analysis an action needs are loaded when it needs them: the shell parser for a
command, path classification for a path, URL parsing for a URL (a cold hook pays for each
module it loads).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TypeVar

from gatepost.action import Action, Kind, Operation, PathRef, UrlRef
from gatepost.analysis.context import Environment
from gatepost.analysis.flags import derive_flags

T = TypeVar("T")


def enrich(action: Action, env: Environment) -> Action:
    """Parse the command, make paths absolute and classified, parse URLs, derive flags."""
    op = action.operation
    if op.kind == Kind.COMMAND and op.command is not None:
        # a command's paths and URLs are those of its sub-commands (what the adapter put
        # there is re-derived from the text, which keeps enrich idempotent)
        from gatepost.analysis.shell import parse_command

        cwd = op.cwd or op.command.cwd
        info = parse_command(op.command.raw, cwd, env)
        paths = _unique(p for c in info.commands for p in c.paths)
        urls = _unique(u for c in info.commands for u in c.urls)
        op = dataclasses.replace(op, command=info, paths=paths, urls=urls)
    else:
        paths = _unique(_path(p, op, env) for p in op.paths)
        urls = _unique(_url(u.raw) for u in op.urls)
        op = dataclasses.replace(op, paths=paths, urls=urls)
    flags = derive_flags(op, env)
    if action.flags:
        flags = tuple(sorted(set(action.flags).union(flags)))
    return dataclasses.replace(action, operation=op, flags=flags)


def _path(p: PathRef, op: Operation, env: Environment) -> PathRef:
    from gatepost.analysis.paths import absolute, classify_path

    raw = p.raw or p.path
    path = absolute(p.path or p.raw, op.cwd, env)
    access = "write" if op.kind == Kind.FILE_WRITE and p.access == "read" else p.access
    classes = classify_path(path, env, glob=False, dynamic=False)
    return PathRef(path=path, raw=raw, access=access, classes=classes)


def _url(raw: str) -> UrlRef:
    from gatepost.analysis.urls import parse_url

    return parse_url(raw)


def _unique(items: Iterable[T]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(items))
