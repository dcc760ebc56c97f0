"""The condition vocabulary of rules: checking it at load time, compiling it to matchers.

A compiled matcher is a plain function ``Facts -> str | None``: None when the condition does
not hold, otherwise a short explanation of the facts that made it hold. Matching uses sets,
``fnmatch`` globs (compiled once, linear in practice) and plain substring tests; no pack can
bring a regular expression or code of its own.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from gatepost.action import Kind, PathRef, UrlRef
from gatepost.policy.facts import CommandFacts, Facts
from gatepost.policy.predicates import PREDICATES

Problem = tuple[Any, str] | None  # a condition that is wrong, and what is wrong with it

Matcher = Callable[[Facts], str | None]

KINDS = frozenset(k.value for k in Kind)

_LIST_KEYS: dict[str, set[str]] = {
    "when": {
        "kind",
        "flags_any",
        "flags_all",
        "flags_none",
        "agent_any",
        "event_any",
        "phase_any",
        "tool_any",
    },
    "command": {
        "program",
        "subcommand",
        "words_any",
        "options_any",
        "options_all",
        "options_none",
        "args_any",
        "args_none",
        "argv_any",
        "wrappers_any",
        "context_any",
    },
    "path": {
        "classes_any",
        "classes_all",
        "classes_none",
        "access",
        "glob_any",
        "glob_none",
        "name_any",
    },
    "url": {
        "scheme_any",
        "host_any",
        "host_none",
        "ip_class_any",
        "classes_any",
        "port_any",
        "path_glob_any",
    },
    "mcp": {"server_any", "tool_any", "tool_none"},
    "text": {"contains_any"},
}
_NESTED = {
    "command": "command",
    "path": "path",
    "url": "url",
    "mcp": "mcp",
    "content": "text",
    "output": "text",
    "prompt": "text",
}
_COMBINATORS = {"any", "all", "not", "use", "predicate"}
_COMMAND_NESTED = {"paths": "path", "urls": "url"}
_TEXT_CAP = 256 * 1024  # content beyond this is not searched (the analysis caps apply too)


# ---------------------------------------------------------------------------- checking


def check_condition(
    cond: Any, lists: dict[str, tuple[str, ...]], conditions: dict[str, Any]
) -> Problem:
    """Return (node, message) for the first problem in a ``when`` condition, or None."""
    return _check(cond, "when", lists, conditions, 0)


def _check(
    cond: Any, level: str, lists: dict[str, tuple[str, ...]], conds: dict[str, Any], depth: int
) -> Problem:
    if depth > 16:
        return cond, "conditions nest too deeply"
    if not isinstance(cond, dict) or not cond:
        return cond, f"a {level} condition must be a non-empty mapping"
    allowed = set(_LIST_KEYS[level])
    if level == "when":
        allowed |= set(_NESTED) | _COMBINATORS
    if level == "command":
        allowed |= set(_COMMAND_NESTED)
    if level == "text":
        allowed |= {"ignore_case"}
    for key, value in cond.items():
        if key not in allowed:
            return (
                cond,
                f"unknown condition {key!r} in {level} (allowed: {', '.join(sorted(allowed))})",
            )
        if key in _LIST_KEYS[level]:
            values = [value] if isinstance(value, (str, int)) else value
            if not isinstance(values, list) or not all(isinstance(v, (str, int)) for v in values):
                return cond, f"{key!r} must be a string or a list of strings"
            for v in values:
                if isinstance(v, str) and v.startswith("$") and v[1:] not in lists:
                    return cond, f"{key!r} refers to unknown list {v!r}"
            values = _expand(values, lists)
            if key == "port_any":
                for port in values:
                    try:
                        int(port)
                    except ValueError:
                        return cond, f"'port_any' must list port numbers, not {port!r}"
            if key == "kind" and not set(map(str, values)) <= KINDS:
                return cond, f"kind must be among {', '.join(sorted(KINDS))}"
            if key.startswith("flags_"):
                from gatepost.policy.vocabulary import FLAGS

                unknown = set(map(str, values)) - FLAGS
                if unknown:
                    return cond, f"unknown risk flag(s) {', '.join(sorted(unknown))}"
            if key.startswith("classes_"):
                from gatepost.policy.vocabulary import PATH_CLASSES, URL_CLASSES

                known = PATH_CLASSES if level == "path" else URL_CLASSES
                unknown = set(map(str, values)) - known
                if unknown:
                    return cond, f"unknown {level} class(es) {', '.join(sorted(unknown))}"
        elif key in ("any", "all"):
            if not isinstance(value, list) or not value:
                return cond, f"{key!r} must be a non-empty list of conditions"
            for sub in value:
                problem = _check(sub, "when", lists, conds, depth + 1)
                if problem:
                    return problem
        elif key == "not":
            problem = _check(value, "when", lists, conds, depth + 1)
            if problem:
                return problem
        elif key == "use":
            if value not in conds:
                return cond, f"'use' refers to unknown condition {value!r}"
        elif key == "predicate":
            if value not in PREDICATES:
                return cond, f"unknown predicate {value!r} (known: {', '.join(sorted(PREDICATES))})"
        elif key == "ignore_case":
            if not isinstance(value, bool):
                return cond, "'ignore_case' must be true or false"
        else:
            sub_level = _NESTED.get(key) if level == "when" else _COMMAND_NESTED.get(key)
            assert sub_level is not None
            problem = _check(value, sub_level, lists, conds, depth + 1)
            if problem:
                return problem
    if level == "text" and "contains_any" not in cond:
        return cond, "a text condition needs 'contains_any'"
    return None


# ---------------------------------------------------------------------------- compiling


class _Values:
    """A set of strings that may contain globs; exact ones are looked up in a frozenset.

    The globs become one regular expression on first use: the packs hold hundreds of them,
    and one decision in a fresh hook process reaches few.
    """

    __slots__ = ("_globs", "_pattern", "exact")

    def __init__(self, values: Iterable[str], *, lower: bool = False) -> None:
        exact: set[str] = set()
        globs: list[str] = []
        for v in values:
            if lower:
                v = v.lower()
            if "*" in v or "?" in v or "[" in v:
                globs.append(v)
            else:
                exact.add(v)
        self.exact = frozenset(exact)
        self._globs = tuple(globs)
        self._pattern: re.Pattern[str] | None = None

    def hit(self, value: str) -> bool:
        if value in self.exact:
            return True
        if not self._globs:
            return False
        if self._pattern is None:  # concurrent first uses compile the same pattern: harmless
            self._pattern = re.compile("|".join(map(fnmatch.translate, self._globs)))
        return self._pattern.match(value) is not None

    def first(self, values: Iterable[str]) -> str | None:
        for v in values:
            if self.hit(v):
                return v
        return None


def _expand(value: Any, lists: dict[str, tuple[str, ...]]) -> list[str]:
    if isinstance(value, str):  # the common case: one name, or one list
        return list(lists[value[1:]]) if value.startswith("$") else [value]
    values = [value] if isinstance(value, int) else list(value)
    out: list[str] = []
    for v in values:
        v = str(v)
        out.extend(lists[v[1:]] if v.startswith("$") else (v,))
    return out


def compile_condition(
    cond: dict[str, Any], lists: dict[str, tuple[str, ...]], conds: dict[str, dict[str, Any]]
) -> Matcher:
    """Compile a checked ``when`` condition. All its keys must hold (logical and)."""
    parts: list[Matcher] = []
    for key, value in cond.items():
        parts.append(_compile_when_key(key, value, lists, conds))
    return _all(parts)


def _all(parts: list[Matcher]) -> Matcher:
    if len(parts) == 1:
        return parts[0]

    def match_all(f: Facts) -> str | None:
        why: list[str] = []
        for p in parts:
            r = p(f)
            if r is None:
                return None
            if r:
                why.append(r)
        return "; ".join(why)

    return match_all


def _compile_when_key(
    key: str, value: Any, lists: dict[str, tuple[str, ...]], conds: dict[str, dict[str, Any]]
) -> Matcher:
    if key == "kind":
        kinds = frozenset(_expand(value, lists))
        return lambda f: "" if f.action.operation.kind.value in kinds else None
    if key in ("flags_any", "flags_all", "flags_none"):
        return _flags(key, frozenset(_expand(value, lists)))
    if key in ("agent_any", "event_any", "tool_any", "phase_any"):
        vals = _Values(_expand(value, lists))
        attr = key[: -len("_any")]
        return lambda f: "" if vals.hit(getattr(f.action.surface, attr)) else None
    if key == "any":
        subs = [compile_condition(c, lists, conds) for c in value]

        def match_any(f: Facts) -> str | None:
            for s in subs:
                r = s(f)
                if r is not None:
                    return r
            return None

        return match_any
    if key == "all":
        return _all([compile_condition(c, lists, conds) for c in value])
    if key == "not":
        inner = compile_condition(value, lists, conds)
        return lambda f: "" if inner(f) is None else None
    if key == "use":
        return compile_condition(conds[value], lists, conds)
    if key == "predicate":
        return PREDICATES[value]
    if key == "command":
        return _command(value, lists)
    if key == "path":
        pm = _path(value, lists)

        def match_paths(f: Facts) -> str | None:
            for p in f.action.operation.paths:
                r = pm(p)
                if r is not None:
                    return r
            return None

        return match_paths
    if key == "url":
        um = _url(value, lists)

        def match_urls(f: Facts) -> str | None:
            for u in f.action.operation.urls:
                r = um(u)
                if r is not None:
                    return r
            return None

        return match_urls
    if key == "mcp":
        return _mcp(value, lists)
    if key in ("content", "output", "prompt"):
        return _text(key, value, lists)
    raise AssertionError(f"unchecked condition key {key!r}")  # pragma: no cover


def _flag_text(names: frozenset[str], f: Facts) -> str:
    text = f"risk flag{'s' if len(names) > 1 else ''} {', '.join(sorted(names))}"
    command = f.action.operation.command
    if command is not None:
        raw = command.raw if len(command.raw) <= 120 else command.raw[:119] + "…"
        return f"{text} in `{raw}`"
    paths = f.action.operation.paths
    if paths:
        return f"{text} on {paths[0].path}"
    return text


def _flags(key: str, flags: frozenset[str]) -> Matcher:
    if key == "flags_any":

        def any_flag(f: Facts) -> str | None:
            hit = flags & f.flags
            return _flag_text(hit, f) if hit else None

        return any_flag
    if key == "flags_all":
        return lambda f: _flag_text(flags, f) if flags <= f.flags else None
    return lambda f: None if flags & f.flags else ""


# ---------------------------------------------------------------------------- command


def _command(spec: dict[str, Any], lists: dict[str, tuple[str, ...]]) -> Matcher:
    checks: list[Callable[[CommandFacts], str | None]] = []
    for key, value in spec.items():
        if key in _COMMAND_NESTED:
            continue
        checks.append(_command_check(key, _expand(value, lists)))
    path_m = _path(spec["paths"], lists) if "paths" in spec else None
    url_m = _url(spec["urls"], lists) if "urls" in spec else None

    def match_command(f: Facts) -> str | None:
        for c in f.commands:
            why: list[str] = []
            for check in checks:
                r = check(c)
                if r is None:
                    break
                if r:
                    why.append(r)
            else:
                if path_m is not None:
                    r = _first(path_m, c.cmd.paths)
                    if r is None:
                        continue
                    why.append(r)
                if url_m is not None:
                    r = _first(url_m, c.cmd.urls)
                    if r is None:
                        continue
                    why.append(r)
                via = f" (via {', '.join(c.cmd.wrappers)})" if c.cmd.wrappers else ""
                where = f" in {c.cmd.context}" if c.cmd.context else ""
                head = f"runs `{c.display}`{via}{where}"
                return head + (": " + ", ".join(why) if why else "")
        return None

    return match_command


def _first(m: Callable[[Any], str | None], items: Iterable[Any]) -> str | None:
    for item in items:
        r = m(item)
        if r is not None:
            return r
    return None


def _word(word: str) -> Callable[[str], bool]:
    """A test for one word of a subcommand: equality, or its glob."""
    if "*" in word or "?" in word or "[" in word:
        return _Values((word,)).hit
    return word.__eq__


def _command_check(key: str, raw: list[str]) -> Callable[[CommandFacts], str | None]:
    if key in ("subcommand", "words_any"):
        seqs = [tuple(map(_word, s.split())) for s in raw]
        anchored = key == "subcommand"

        def sub(c: CommandFacts) -> str | None:
            words = c.positionals[:6]
            # a subcommand starts at the first word, or after words that may be option values
            starts = range(min(c.lead, len(words)) + 1) if anchored else range(len(words))
            for seq in seqs:
                n = len(seq)
                for i in starts:
                    if i + n <= len(words) and all(
                        m(w) for m, w in zip(seq, words[i : i + n], strict=True)
                    ):
                        return ""
            return None

        return sub
    if key == "options_all":
        need = frozenset(raw)
        return lambda c: "options " + " ".join(sorted(need)) if need <= c.options else None
    vals = _Values(raw)
    if key == "program":
        return lambda c: "" if vals.hit(c.cmd.program) else None
    if key == "options_any":

        def opt_any(c: CommandFacts) -> str | None:
            hit = vals.first(sorted(c.options))
            return f"option {hit}" if hit is not None else None

        return opt_any
    if key == "options_none":
        return lambda c: None if vals.first(c.options) is not None else ""
    if key == "args_any":

        def arg_any(c: CommandFacts) -> str | None:
            hit = vals.first(c.positionals)
            return f"argument {hit!r}" if hit is not None else None

        return arg_any
    if key == "args_none":
        return lambda c: None if vals.first(c.positionals) is not None else ""
    if key == "argv_any":

        def argv_any(c: CommandFacts) -> str | None:
            hit = vals.first(c.cmd.argv)
            return f"argument {hit!r}" if hit is not None else None

        return argv_any
    if key == "wrappers_any":
        return lambda c: "" if vals.first(w.split()[0] for w in c.cmd.wrappers) else None
    if key == "context_any":
        return lambda c: "" if vals.hit(c.cmd.context) else None
    raise AssertionError(key)  # pragma: no cover


# ---------------------------------------------------------------------------- paths, urls


def _path(
    spec: dict[str, Any], lists: dict[str, tuple[str, ...]]
) -> Callable[[PathRef], str | None]:
    get = {k: _expand(v, lists) for k, v in spec.items()}
    any_cls = frozenset(get.get("classes_any", ()))
    all_cls = frozenset(get.get("classes_all", ()))
    none_cls = frozenset(get.get("classes_none", ()))
    access = frozenset(get.get("access", ()))
    glob_any = _Values(get["glob_any"]) if "glob_any" in get else None
    glob_none = _Values(get["glob_none"]) if "glob_none" in get else None
    name_any = _Values(get["name_any"]) if "name_any" in get else None

    def match_path(p: PathRef) -> str | None:
        if access and p.access not in access:
            return None
        classes = frozenset(p.classes)
        if any_cls and not any_cls & classes:
            return None
        if all_cls and not all_cls <= classes:
            return None
        if none_cls & classes:
            return None
        if glob_any is not None and not glob_any.hit(p.path):
            return None
        if glob_none is not None and glob_none.hit(p.path):
            return None
        if name_any is not None and not name_any.hit(p.path.rsplit("/", 1)[-1]):
            return None
        shown = sorted(classes & (any_cls | all_cls)) or sorted(classes)
        return f"{p.access} of {p.path}" + (f" ({', '.join(shown)})" if shown else "")

    return match_path


def _url(spec: dict[str, Any], lists: dict[str, tuple[str, ...]]) -> Callable[[UrlRef], str | None]:
    get = {k: _expand(v, lists) for k, v in spec.items()}
    schemes = frozenset(s.lower() for s in get.get("scheme_any", ()))
    hosts = _Values(get["host_any"], lower=True) if "host_any" in get else None
    hosts_none = _Values(get["host_none"], lower=True) if "host_none" in get else None
    ip_classes = frozenset(get.get("ip_class_any", ()))
    classes = frozenset(get.get("classes_any", ()))
    ports = frozenset(int(p) for p in get.get("port_any", ()))
    path_globs = _Values(get["path_glob_any"]) if "path_glob_any" in get else None

    def match_url(u: UrlRef) -> str | None:
        if schemes and u.scheme not in schemes:
            return None
        if hosts is not None and not hosts.hit(u.host):
            return None
        if hosts_none is not None and hosts_none.hit(u.host):
            return None
        if ip_classes and u.ip_class not in ip_classes:
            return None
        hit = classes & frozenset(u.classes)
        if classes and not hit:
            return None
        if ports and u.port not in ports:
            return None
        if path_globs is not None and not path_globs.hit(u.path):
            return None
        what = ", ".join(sorted(hit | ({u.ip_class} if u.ip_class else set())))
        return f"URL {u.scheme}://{u.host}" + (f" ({what})" if what else "")

    return match_url


def _mcp(spec: dict[str, Any], lists: dict[str, tuple[str, ...]]) -> Matcher:
    get = {k: _expand(v, lists) for k, v in spec.items()}
    servers = _Values(get["server_any"]) if "server_any" in get else None
    tools = _Values(get["tool_any"]) if "tool_any" in get else None
    tools_none = _Values(get["tool_none"]) if "tool_none" in get else None

    def match_mcp(f: Facts) -> str | None:
        call = f.action.operation.mcp
        if call is None:
            return None
        if servers is not None and not servers.hit(call.server):
            return None
        if tools is not None and not tools.hit(call.tool):
            return None
        if tools_none is not None and tools_none.hit(call.tool):
            return None
        return f"MCP tool {call.tool} on server {call.server}"

    return match_mcp


def _text(field: str, spec: dict[str, Any], lists: dict[str, tuple[str, ...]]) -> Matcher:
    ignore_case = bool(spec.get("ignore_case", True))
    needles = tuple(n.lower() if ignore_case else n for n in _expand(spec["contains_any"], lists))
    attr = "content" if field == "prompt" else field

    def match_text(f: Facts) -> str | None:
        op = f.action.operation
        text = getattr(op, attr)[:_TEXT_CAP]
        if attr == "content" and not text and op.mcp is not None:  # what an MCP call submits
            text = json.dumps(op.mcp.arguments, ensure_ascii=False)[:_TEXT_CAP]
        if ignore_case:
            text = text.lower()
        for n in needles:
            if n in text:
                return f"{field} contains {n!r}"
        return None

    return match_text
