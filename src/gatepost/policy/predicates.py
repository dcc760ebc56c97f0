"""Registered predicates: the only way a rule reaches code, by name, never by path.

Each predicate is a pure function of the evaluation facts returning an explanation when it
holds and None otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gatepost.policy.facts import Facts

Predicate = Callable[["Facts"], "str | None"]


_REWRITING = frozenset({"-f", "--mirror", "--delete", "-d", "--prune"})


def _git_push_rewrites_remote(f: Facts) -> str | None:
    """git push that can overwrite or delete remote history: force, +refspec, --delete, :ref.

    ``--force-with-lease`` alone refuses to overwrite work it has not seen, so it is left to
    a milder rule.
    """
    for c in f.commands:
        if c.cmd.program != "git" or "push" not in c.positionals[:3]:
            continue
        forced = [
            o
            for o in c.options
            if o in _REWRITING or (o.startswith("--force") and o != "--force-with-lease")
        ]
        if forced:
            return (
                f"runs `{c.display}`: {', '.join(sorted(forced))} rewrites or deletes remote refs"
            )
        after = c.positionals[c.positionals.index("push") + 1 :]
        for ref in after[1:]:
            if ref.startswith("+") or (ref.startswith(":") and len(ref) > 1):
                return f"runs `{c.display}`: refspec {ref!r} overwrites or deletes a remote ref"
    return None


PREDICATES: dict[str, Predicate] = {
    "git_push_rewrites_remote": _git_push_rewrites_remote,
}

# What each predicate needs, so the compiler can index rules that use it.
PREDICATE_KINDS: dict[str, frozenset[str]] = {"git_push_rewrites_remote": frozenset({"command"})}
PREDICATE_PROGRAMS: dict[str, frozenset[str]] = {"git_push_rewrites_remote": frozenset({"git"})}
