"""Loading packs and assignments from YAML, refusing bad files with file, line and rule id.

Nothing in a pack file is executed: it is read with the safe loader into plain data, checked
field by field, and turned into the frozen models of :mod:`gatepost.policy.model`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from gatepost.action import Mode, Verdict
from gatepost.errors import PolicyError
from gatepost.policy.model import (
    SCOPE_TYPES,
    SEVERITIES,
    Assignment,
    Exception_,
    Pack,
    PolicySet,
    Rule,
    RuleTests,
    Scope,
    Waiver,
)

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")


class _LineDict(dict[str, Any]):
    """A mapping that remembers the line it and each of its keys started on."""

    line: int = 0
    key_lines: dict[str, int]


# libyaml's parser when PyYAML has it (about ten times faster on the hook's cold path)
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[misc]
    gatepost_file = ""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _LineDict:
    out = _LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise PolicyError(
                f"keys must be strings, got {key!r}",
                file=loader.gatepost_file,
                line=key_node.start_mark.line + 1,
            )
        if key in out:
            raise PolicyError(
                f"duplicate key {key!r}",
                file=loader.gatepost_file,
                line=key_node.start_mark.line + 1,
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path, text: str | None = None) -> Any:
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise PolicyError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        loader = _Loader(text)
        loader.gatepost_file = str(path)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark  # where the broken construct started
        line = mark.line + 1 if mark else 0
        problem = f"{exc.context}, {exc.problem}" if exc.context else str(exc.problem)
        raise PolicyError(f"invalid YAML: {problem}", file=str(path), line=line) from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"invalid YAML: {exc}", file=str(path)) from None


class _Ctx:
    """Where we are in a file, for error messages."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.rule_id = ""

    def fail(self, message: str, node: Any = None, key: str = "") -> PolicyError:
        line = 0
        if isinstance(node, _LineDict):
            line = node.key_lines.get(key, node.line) if key else node.line
        return PolicyError(message, file=self.file, line=line, rule_id=self.rule_id)


def _get(
    ctx: _Ctx, node: _LineDict, key: str, typ: type, *, required: bool = True, default: Any = None
) -> Any:
    if key not in node:
        if required:
            raise ctx.fail(f"missing required field {key!r}", node)
        return default
    value = node[key]
    if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
        hint = (
            " (YAML read it as a boolean or number: put it in quotes)"
            if (typ is str and isinstance(value, (bool, int, float)))
            else ""
        )
        raise ctx.fail(f"field {key!r} must be {typ.__name__}{hint}", node, key)
    return value


def _check_keys(ctx: _Ctx, node: _LineDict, allowed: set[str], what: str) -> None:
    for key in node:
        if key not in allowed:
            raise ctx.fail(
                f"unknown field {key!r} in {what} (allowed: {', '.join(sorted(allowed))})",
                node,
                key,
            )


def _mapping(ctx: _Ctx, value: Any, what: str, parent: _LineDict, key: str) -> _LineDict:
    if not isinstance(value, _LineDict):
        raise ctx.fail(f"{what} must be a mapping", parent, key)
    return value


def _str_list(ctx: _Ctx, value: Any, what: str, parent: _LineDict, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ctx.fail(f"{what} must be a string or a list of strings", parent, key)
    return tuple(value)


def _plain(value: Any) -> Any:
    """Strip line bookkeeping so models hold ordinary dicts."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# ---------------------------------------------------------------------------- packs

_PACK_KEYS = {"pack", "lists", "conditions", "rules", "waivers"}
_PACK_META = {"id", "version", "title", "description", "fail_mode"}
_RULE_KEYS = {"id", "title", "severity", "verdict", "message", "when", "exceptions", "tests"}


def load_pack(path: Path, text: str | None = None) -> Pack:
    """Load and check one pack file. Raises PolicyError naming file, line and rule id."""
    from gatepost.policy.conditions import check_condition  # the condition vocabulary

    ctx = _Ctx(str(path))
    doc = _read_yaml(path, text)
    if not isinstance(doc, _LineDict):
        raise ctx.fail("a pack file must be a mapping with 'pack' and 'rules'")
    _check_keys(ctx, doc, _PACK_KEYS, "pack file")
    meta = _mapping(ctx, _get(ctx, doc, "pack", dict), "'pack'", doc, "pack")
    _check_keys(ctx, meta, _PACK_META, "'pack'")
    pack_id = _get(ctx, meta, "id", str)
    if not _ID.match(pack_id):
        raise ctx.fail(f"pack id {pack_id!r} must match {_ID.pattern}", meta, "id")
    version = str(_get(ctx, meta, "version", (str, int, float)))  # type: ignore[arg-type]
    fail_mode = _get(ctx, meta, "fail_mode", str, required=False, default="")
    if fail_mode not in ("", "open", "closed"):
        raise ctx.fail("fail_mode must be 'open' or 'closed'", meta, "fail_mode")

    lists: dict[str, tuple[str, ...]] = {}
    raw_lists = doc.get("lists") or _LineDict()
    for name, items in _mapping(ctx, raw_lists, "'lists'", doc, "lists").items():
        lists[name] = _str_list(ctx, items, f"list {name!r}", raw_lists, name)
    conditions: dict[str, dict[str, Any]] = {}
    raw_conds = doc.get("conditions") or _LineDict()
    for name, cond in _mapping(ctx, raw_conds, "'conditions'", doc, "conditions").items():
        cond = _mapping(ctx, cond, f"condition {name!r}", raw_conds, name)
        _check_cond(ctx, check_condition, cond, lists, raw_conds, name)
        conditions[name] = _plain(cond)

    raw_rules = _get(ctx, doc, "rules", list)
    rules: list[Rule] = []
    seen: set[str] = set()
    for item in raw_rules:
        if not isinstance(item, _LineDict):
            raise ctx.fail("each rule must be a mapping", doc, "rules")
        ctx.rule_id = f"{pack_id}/{item.get('id', '?')}"
        rule = _load_rule(ctx, item, pack_id, lists, conditions, check_condition)
        if rule.id in seen:
            raise ctx.fail("duplicate rule id", item, "id")
        seen.add(rule.id)
        rules.append(rule)
        ctx.rule_id = ""
    waivers = tuple(
        _load_waiver(ctx, w, pack_id, doc, "waivers")
        for w in _get(ctx, doc, "waivers", list, required=False, default=[])
    )
    return Pack(
        id=pack_id,
        version=version,
        title=_get(ctx, meta, "title", str),
        description=_get(ctx, meta, "description", str, required=False, default=""),
        rules=tuple(rules),
        lists=lists,
        conditions=conditions,
        waivers=waivers,
        fail_mode=fail_mode,
        file=str(path),
    )


def _check_cond(
    ctx: _Ctx,
    check: Any,
    cond: _LineDict,
    lists: dict[str, tuple[str, ...]],
    parent: _LineDict,
    key: str,
    conditions: dict[str, dict[str, Any]] | None = None,
) -> None:
    problem = check(cond, lists, conditions if conditions is not None else {})
    if problem:
        where, message = problem
        node = where if isinstance(where, _LineDict) else cond
        raise ctx.fail(message, node)


def _load_rule(
    ctx: _Ctx,
    node: _LineDict,
    pack_id: str,
    lists: dict[str, tuple[str, ...]],
    conditions: dict[str, dict[str, Any]],
    check: Any,
) -> Rule:
    _check_keys(ctx, node, _RULE_KEYS, "rule")
    local = _get(ctx, node, "id", str)
    if not _ID.match(local):
        raise ctx.fail(f"rule id {local!r} must match {_ID.pattern}", node, "id")
    severity = _get(ctx, node, "severity", str)
    if severity not in SEVERITIES:
        raise ctx.fail(f"severity must be one of {', '.join(SEVERITIES)}", node, "severity")
    verdict_text = _get(ctx, node, "verdict", str)
    try:
        verdict = Verdict(verdict_text)
    except ValueError:
        raise ctx.fail("verdict must be one of pass, warn, ask, block", node, "verdict") from None
    when = _mapping(ctx, _get(ctx, node, "when", dict), "'when'", node, "when")
    _check_cond(ctx, check, when, lists, node, "when", conditions)
    exceptions = []
    for exc in _get(ctx, node, "exceptions", list, required=False, default=[]):
        exc = _mapping(ctx, exc, "an exception", node, "exceptions")
        _check_keys(ctx, exc, {"when", "reason"}, "exception")
        exc_when = _mapping(ctx, _get(ctx, exc, "when", dict), "'when'", exc, "when")
        _check_cond(ctx, check, exc_when, lists, exc, "when", conditions)
        exceptions.append(
            Exception_(when=_plain(exc_when), reason=_get(ctx, exc, "reason", str), line=exc.line)
        )
    tests = _mapping(
        ctx,
        _get(ctx, node, "tests", dict, required=False, default=_LineDict()),
        "'tests'",
        node,
        "tests",
    )
    _check_keys(ctx, tests, {"match", "no_match"}, "tests")
    return Rule(
        id=f"{pack_id}/{local}",
        title=_get(ctx, node, "title", str).strip(),
        severity=severity,
        verdict=verdict,
        message=_get(ctx, node, "message", str).strip(),
        when=_plain(when),
        exceptions=tuple(exceptions),
        tests=RuleTests(
            match=tuple(_plain(_get(ctx, tests, "match", list, required=False, default=[]))),
            no_match=tuple(_plain(_get(ctx, tests, "no_match", list, required=False, default=[]))),
        ),
        line=node.line,
    )


def _load_waiver(ctx: _Ctx, node: Any, owner: str, parent: _LineDict, key: str) -> Waiver:
    from gatepost.policy.conditions import check_condition

    node = _mapping(ctx, node, "a waiver", parent, key)
    _check_keys(ctx, node, {"id", "rules", "reason", "expires", "when"}, "waiver")
    expires = node.get("expires")
    if hasattr(expires, "isoformat"):  # YAML turned it into a datetime
        raise ctx.fail("expires must be a quoted RFC 3339 time with its zone", node, "expires")
    expires = _get(ctx, node, "expires", str)
    if not _TIME.match(expires):
        raise ctx.fail("expires must be an RFC 3339 time with its zone", node, "expires")
    reason = _get(ctx, node, "reason", str)
    if not reason.strip():
        raise ctx.fail("a waiver needs a reason", node, "reason")
    when = _get(ctx, node, "when", dict, required=False, default=_LineDict())
    if when:
        _check_cond(ctx, check_condition, when, {}, node, "when")
    return Waiver(
        id=_get(ctx, node, "id", str),
        rules=_str_list(ctx, _get(ctx, node, "rules", (str, list)), "rules", node, "rules"),  # type: ignore[arg-type]
        reason=reason,
        expires=expires,
        when=_plain(when),
        owner=owner,
        line=node.line,
    )


# ---------------------------------------------------------------------------- assignments

_ASSIGN_KEYS = {"id", "pack", "scope", "mode", "waivers"}


def load_assignments(path: Path, text: str | None = None) -> tuple[Assignment, ...]:
    """Load an assignments file: ``assignments: [{id, pack, scope, mode, waivers}]``.

    ``scope`` is ``org`` or ``TYPE:VALUE`` with TYPE one of group, user, host, repo, agent.
    """
    ctx = _Ctx(str(path))
    doc = _read_yaml(path, text)
    if not isinstance(doc, _LineDict):
        raise ctx.fail("an assignments file must be a mapping with 'assignments'")
    _check_keys(ctx, doc, {"assignments"}, "assignments file")
    out: list[Assignment] = []
    seen: set[str] = set()
    for node in _get(ctx, doc, "assignments", list):
        node = _mapping(ctx, node, "an assignment", doc, "assignments")
        _check_keys(ctx, node, _ASSIGN_KEYS, "assignment")
        aid = _get(ctx, node, "id", str)
        if aid in seen:
            raise ctx.fail(f"duplicate assignment id {aid!r}", node, "id")
        seen.add(aid)
        scope_text = _get(ctx, node, "scope", str)
        stype, _, svalue = scope_text.partition(":")
        if stype not in SCOPE_TYPES or (stype == "org") != (svalue == ""):
            raise ctx.fail(
                "scope must be 'org' or TYPE:VALUE with TYPE one of " + ", ".join(SCOPE_TYPES[1:]),
                node,
                "scope",
            )
        try:
            mode = Mode(_get(ctx, node, "mode", str))
        except ValueError:
            raise ctx.fail("mode must be one of audit, warn, enforce", node, "mode") from None
        waivers = tuple(
            _load_waiver(ctx, w, aid, node, "waivers")
            for w in _get(ctx, node, "waivers", list, required=False, default=[])
        )
        out.append(
            Assignment(
                id=aid,
                pack=_get(ctx, node, "pack", str),
                scope=Scope(stype, svalue),
                mode=mode,
                waivers=waivers,
                line=node.line,
                file=str(path),
            )
        )
    return tuple(out)


def load_policy_set(pack_paths: list[Path], assignments_path: Path | None) -> PolicySet:
    """Load packs and assignments together; every assignment must name a loaded pack."""
    packs = tuple(load_pack(p) for p in pack_paths)
    ids: dict[str, Pack] = {}
    for pack in packs:
        if pack.id in ids:
            raise PolicyError(
                f"pack id {pack.id!r} is also defined in {ids[pack.id].file}", file=pack.file
            )
        ids[pack.id] = pack
    if assignments_path is None:
        assignments = default_assignments(packs)
    else:
        assignments = load_assignments(assignments_path)
        for a in assignments:
            if a.pack not in ids:
                raise PolicyError(
                    f"assignment {a.id!r} names unknown pack {a.pack!r}", file=a.file, line=a.line
                )
    return PolicySet(packs=packs, assignments=assignments)


def default_assignments(packs: tuple[Pack, ...]) -> tuple[Assignment, ...]:
    """With nothing configured, every pack applies to the whole organization, enforced."""
    return tuple(
        Assignment(id=f"default/{p.id}", pack=p.id, scope=Scope("org"), mode=Mode.ENFORCE)
        for p in packs
    )
