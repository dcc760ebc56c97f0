"""Merging gatepost's hook entries into an agent's JSON hook file, and taking them out again.

Two shapes exist. *Grouped* (Claude Code, Codex, Gemini CLI): ``hooks.<Event>`` is a list of
matcher groups ``{"matcher": ..., "hooks": [handler, ...]}``. *Flat* (Cursor, Copilot, VS
Code, Windsurf): ``hooks.<event>`` is a list of handlers. In both, a gatepost entry is one
whose command runs ``gatepost hook``.

``plan`` returns the file's new text with exactly the wanted gatepost entries: an entry already
there is replaced where it stands, a missing one is appended after the user's own, gatepost
entries on events no longer wanted are dropped, and everything else keeps its place and order.
When nothing changes the text is returned untouched, byte for byte, which makes installing
twice a no-op. ``remove`` takes every gatepost entry out, dropping only the lists and groups
that gatepost's entries alone had filled.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from gatepost.errors import ConfigError
from gatepost.installer._json import (
    dump,
    event_list,
    hooks_object,
    is_gatepost_handler,
    load_object,
)


def plan(
    existing: str | None,
    wanted: Mapping[str, dict[str, Any]],
    *,
    grouped: bool,
    version: int | None = None,
) -> str:
    """The file's text with gatepost's ``wanted`` entries (event → one entry) in place.

    ``version``: the ``"version"`` the format requires (Cursor and Copilot: 1); written first
    in a new file, refused when the file says another.
    """
    before = load_object(existing)
    obj = copy.deepcopy(before)
    if version is not None:
        found = obj.get("version")
        if found is None:
            obj = {"version": version, **obj}
        elif found != version:
            raise ConfigError(f'"version" is {found!r}, gatepost writes version {version} files')
    hooks = hooks_object(obj, create=True)
    assert hooks is not None
    for event in list(hooks):
        if event not in wanted:
            _strip(hooks, event, grouped=grouped)
    for event, entry in wanted.items():
        _upsert(hooks, event, entry, grouped=grouped)
    if obj == before and existing is not None and list(obj) == list(before):
        return existing
    return dump(obj, existing)


def remove(text: str) -> str:
    """The file's text without any gatepost entry (``text`` itself when it has none)."""
    before = load_object(text)
    obj = copy.deepcopy(before)
    hooks = obj.get("hooks")
    if not isinstance(hooks, dict):
        return text
    removed = False
    for event in list(hooks):
        removed |= _strip(hooks, event, grouped=True)
    if not removed:
        return text
    if not hooks:
        del obj["hooks"]
    return dump(obj, text)


def _is_ours(entry: object, *, grouped: bool) -> bool:
    if not grouped:
        return is_gatepost_handler(entry)
    if not isinstance(entry, dict) or not isinstance(entry.get("hooks"), list):
        return False
    inner = entry["hooks"]
    return bool(inner) and all(is_gatepost_handler(h) for h in inner)


def _without_ours(entry: Any) -> tuple[Any, bool]:
    """(``entry`` without gatepost handlers or None when nothing of it remains, removed?)."""
    if is_gatepost_handler(entry):
        return None, True
    if isinstance(entry, dict) and isinstance(entry.get("hooks"), list):
        inner = entry["hooks"]
        kept = [h for h in inner if not is_gatepost_handler(h)]
        if len(kept) == len(inner):
            return entry, False
        if not kept:
            return None, True
        return {**entry, "hooks": kept}, True
    return entry, False


def _strip(hooks: dict[str, Any], event: str, *, grouped: bool) -> bool:
    """Remove gatepost handlers from ``hooks[event]``; drop the list if they alone filled it.

    Both shapes are handled whatever ``grouped`` says: a user may have moved an entry."""
    entries = event_list(hooks, event)
    if entries is None:
        return False
    kept: list[Any] = []
    removed = False
    for entry in entries:
        rest, gone = _without_ours(entry)
        removed |= gone
        if rest is not None:
            kept.append(rest)
    if removed:
        if kept:
            hooks[event] = kept
        else:
            del hooks[event]
    return removed


def _upsert(hooks: dict[str, Any], event: str, entry: dict[str, Any], *, grouped: bool) -> None:
    entries = event_list(hooks, event)
    if entries is None:
        hooks[event] = [entry]
        return
    out: list[Any] = []
    placed = False
    for current in entries:
        if _is_ours(current, grouped=grouped):
            if not placed:
                out.append(entry)
                placed = True
            continue
        rest, _ = _without_ours(current)
        if rest is not None:
            out.append(rest)
    if not placed:
        out.append(entry)
    hooks[event] = out
