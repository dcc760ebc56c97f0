"""Turning the words of one command into SimpleCommands: wrappers, paths, redirects.

The tree walk (:mod:`gatepost.analysis.walk`) and plain word lists
(:mod:`gatepost.analysis.shell`) hand each command's words here; ``emit``
unwraps wrappers (parsing the shell text some of them run through ``State.parse_text``) and
appends the resulting SimpleCommands, with their paths and URLs, to the parse state.
Wrappers, inline interpreter code and path classification have modules of their own, loaded
when a command first needs them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from gatepost.action import PathRef, Redirect, SimpleCommand, UrlRef
from gatepost.analysis.context import Environment
from gatepost.analysis.operands import PSEUDO_DEVICES, make_paths, refs_of
from gatepost.analysis.programs import (
    INLINE_LANGUAGES,
    SHELLS,
    WRAPPER_PROGRAMS,
    inline_code,
    interpreter_family,
)
from gatepost.analysis.words import Word, literal

if TYPE_CHECKING:  # the wrappers module is loaded when a wrapper appears
    from gatepost.analysis.wrappers import Unwrap

MAX_SYNTAX = 2048  # structural characters handed to tree-sitter per call (see scan.py)
MAX_NESTING = 8  # bash -c / eval / heredoc-to-shell / wrapper recursion
MAX_COMMANDS = 1024
MAX_WORDS = 4096  # words of one command


class Ctx:
    """Where commands being read sit: what every SimpleCommand made there inherits (a plain
    class: a NamedTuple costs ~0.25 ms to define at import)."""

    __slots__ = (
        "assigns",
        "context",
        "nesting",
        "parent",
        "pipeline",
        "stage",
        "stages",
        "wrappers",
    )

    def __init__(
        self,
        context: str = "",
        pipeline: int = 0,
        stage: int = 0,
        stages: int = 1,
        wrappers: tuple[str, ...] = (),
        assigns: tuple[str, ...] = (),
        parent: int = -1,
        nesting: int = 0,
    ) -> None:
        self.context = context
        self.pipeline = pipeline
        self.stage = stage
        self.stages = stages
        self.wrappers = wrappers
        self.assigns = assigns
        self.parent = parent
        self.nesting = nesting

    def within(
        self, *, context: str, wrappers: tuple[str, ...], assigns: tuple[str, ...], nesting: int
    ) -> Ctx:
        """The context of commands a wrapper runs inside this one's pipeline stage."""
        return Ctx(
            context, self.pipeline, self.stage, self.stages, wrappers, assigns, self.parent, nesting
        )


# A redirect as read from the tree: (operator, target word, kind: file | herestring | heredoc)
Redir = tuple[str, Word, str]


class State:
    """One parse_command call: the commands found so far and the budgets left."""

    __slots__ = (
        "budget",
        "commands",
        "consumed",
        "cwd",
        "env",
        "errors",
        "heredocs",
        "level",
        "parse_text",
        "pipelines",
        "src",
        "truncated",
    )

    def __init__(
        self, env: Environment, cwd: str, parse_text: Callable[[State, str, Ctx], None]
    ) -> None:
        self.parse_text = parse_text  # shell.parse_text: shell text run by a wrapper
        self.env = env
        self.cwd = cwd
        self.commands: list[SimpleCommand] = []
        self.heredocs: list[str] = []
        self.pipelines = 0
        self.errors = False
        self.truncated = False
        self.budget = MAX_SYNTAX
        self.level = 0  # syntax tree depth being walked, across nested shell text
        self.src: bytes | None = None  # original bytes of the text being walked, when not ASCII
        self.consumed: list[str] = []  # dynamic wrapper texts parsed again (bash -c "$(...)")


def _program_name(word: Word) -> str:
    value = word[0]
    if word[1] or "/" not in value or value.endswith("/"):
        return value
    return value.rsplit("/", 1)[1]


def _unwrap(program: str, words: list[Word]) -> Unwrap | None:
    """What a wrapper runs (see :mod:`gatepost.analysis.wrappers`, loaded when one appears)."""
    if program not in WRAPPER_PROGRAMS:
        return None
    from gatepost.analysis.wrappers import unwrap

    return unwrap(program, words)


def emit(
    st: State, words: list[Word], assigns: tuple[str, ...], redirects: list[Redir], ctx: Ctx
) -> int:
    """Unwrap wrappers and append the command(s); the index of the main one (-1: none)."""
    if not words:
        return append(st, [], (), assigns, redirects, ctx, False, st.cwd) if redirects else -1
    chain = ctx.wrappers
    all_assigns = ctx.assigns + assigns if ctx.assigns else assigns
    dynamic = False
    cwd = st.cwd
    for _ in range(16):
        u = _unwrap(_program_name(words[0]), words)
        if u is None:
            break
        if u.inner:  # find -exec: find itself runs, and so does each inner command
            idx = append(st, words, chain, all_assigns, redirects, ctx, dynamic, cwd)
            inner_ctx = ctx.within(
                context=ctx.context,
                wrappers=(*chain, u.label),
                assigns=all_assigns,
                nesting=ctx.nesting,
            )
            for inner in u.inner:
                _emit_dynamic(st, list(inner), inner_ctx)
            return idx
        chain = (*chain, u.label)
        all_assigns += u.assignments
        dynamic = dynamic or u.dynamic
        if u.chdir:
            from gatepost.analysis.paths import absolute

            cwd = absolute(u.chdir, cwd, st.env)
        if u.text is not None:
            return _reparse(st, u.text, u.context, chain, all_assigns, redirects, ctx, cwd, dynamic)
        words = list(u.words)
    else:
        st.truncated = True  # more wrappers than analysis unwraps
    return append(st, words, chain, all_assigns, redirects, ctx, dynamic, cwd)


def _emit_dynamic(st: State, words: list[Word], ctx: Ctx) -> None:
    start = len(st.commands)
    emit(st, words, (), [], ctx)
    for k in range(start, len(st.commands)):
        if st.commands[k].parent == ctx.parent:
            st.commands[k] = dataclasses.replace(st.commands[k], dynamic=True)


def _reparse(
    st: State,
    text: Word,
    context: str,
    chain: tuple[str, ...],
    assigns: tuple[str, ...],
    redirects: list[Redir],
    ctx: Ctx,
    cwd: str,
    dynamic: bool,
) -> int:
    """Shell text run by a wrapper (``bash -c``, ``eval``...): parse it as a command line."""
    inner = ctx.within(
        context=context or ctx.context, wrappers=chain, assigns=assigns, nesting=ctx.nesting + 1
    )
    if inner.nesting > MAX_NESTING:
        st.truncated = True
        # code analysis will not look into: a command whose program is the text as written
        return append(st, [text], chain, assigns, redirects, inner, True, cwd)
    if text[1]:
        st.consumed.append(text[0])
        dynamic = True
    start = len(st.commands)
    saved = st.cwd
    st.cwd = cwd
    st.parse_text(st, text[0], inner)
    if context != "eval":
        st.cwd = saved
    targets = [k for k in range(start, len(st.commands)) if st.commands[k].parent == ctx.parent]
    if dynamic:
        for k in targets:
            st.commands[k] = dataclasses.replace(st.commands[k], dynamic=True)
    if targets and redirects:
        attach(st, targets, redirects, saved)
    return targets[0] if targets else -1


def append(
    st: State,
    words: list[Word],
    chain: tuple[str, ...],
    assigns: tuple[str, ...],
    redirects: list[Redir] | tuple[()],
    ctx: Ctx,
    dynamic: bool,
    cwd: str,
) -> int:
    """Append one SimpleCommand (wrappers already removed); its index, or -1 past the cap."""
    if len(st.commands) >= MAX_COMMANDS:
        st.truncated = True
        return -1
    env = st.env
    if words:
        first = words[0]
        program = _program_name(first)
        args = words[1:]
        paths, urls = refs_of(program, args, cwd, env)
        if "/" in first[0] and not first[1]:
            paths = make_paths([(first, "exec")], cwd, env) + paths
    else:
        first, program, args, paths, urls = literal(""), "", [], (), ()
    if redirects:
        reds, rpaths, rurls = _redirect_refs(redirects, st.cwd, env)
        paths, urls = _union(paths, rpaths), urls + rurls
    else:
        reds = ()
    if not dynamic:
        for w in words:
            if w[1]:
                dynamic = True
                break
    st.commands.append(
        SimpleCommand(
            program,
            tuple([w[0] for w in args]),
            first[3],
            chain,
            assigns,
            reds,
            paths,
            urls,
            ctx.pipeline,
            ctx.stage,
            ctx.stages,
            ctx.context,
            dynamic,
            ctx.parent,
        )
    )
    idx = len(st.commands) - 1
    if program in ("cd", "pushd") and ctx.stages == 1:
        _change_dir(st, args)
    elif program and interpreter_family(program) in INLINE_LANGUAGES:
        code = inline_code(program, st.commands[idx].argv)
        # code holding an unresolved expansion: the shell runs its substitutions, not the
        # interpreter (they are commands of their own)
        if code is not None and not any(w[1] and w[0] == code[1] for w in args):
            feed_inline(st, code[1], st.commands[idx], idx, ctx, f"{program} {code[0]}")
    return idx


def _change_dir(st: State, args: list[Word]) -> None:
    target = next((w for w in args if not w[0].startswith("-") or w[0] == "-"), None)
    if target is None:
        st.cwd = st.env.home
    elif target[0] == "-":
        st.cwd = "$OLDPWD"
    else:
        from gatepost.analysis.paths import absolute

        st.cwd = absolute(target[0], st.cwd, st.env)


def attach(st: State, targets: list[int], redirects: list[Redir], cwd: str) -> None:
    """Give redirects of a compound statement or a wrapper to the commands inside it."""
    reds, paths, urls = _redirect_refs(redirects, cwd, st.env)
    for k in targets:
        c = st.commands[k]
        st.commands[k] = dataclasses.replace(
            c, redirects=c.redirects + reds, paths=_union(c.paths, paths), urls=c.urls + urls
        )


def _union(a: tuple[PathRef, ...], b: tuple[PathRef, ...]) -> tuple[PathRef, ...]:
    if not b:
        return a
    return a + tuple(p for p in b if p not in a)


def _redirect_refs(
    redirects: list[Redir] | tuple[()], cwd: str, env: Environment
) -> tuple[tuple[Redirect, ...], tuple[PathRef, ...], tuple[UrlRef, ...]]:
    if not redirects:
        return (), (), ()
    reds: list[Redirect] = []
    found: list[tuple[Word, str]] = []
    urls: list[UrlRef] = []
    for op, word, kind in redirects:
        target = word[0]
        bare = op.lstrip("0123456789")
        if kind != "file" or (bare in (">&", "<&") and (target.isdigit() or target == "-")):
            reds.append(Redirect(op=op, target=target))
            continue
        if target.startswith(("/dev/tcp/", "/dev/udp/")):
            from gatepost.analysis.netargs import tcp_url

            _, _, scheme, host, port = [*target.split("/", 4), "", "", ""][:5]
            urls.append(tcp_url(host, port.partition("/")[0], scheme))
            reds.append(Redirect(op=op, target=target, path=target))
            continue
        if target.startswith((">(", "<(")):  # process substitution: a pipe, not a file
            reds.append(Redirect(op=op, target=target))
            continue
        if target:
            from gatepost.analysis.paths import absolute

            path = absolute(target, cwd, env)
        else:
            path = ""
        reds.append(Redirect(op=op, target=target, path=path))
        if path and path not in PSEUDO_DEVICES:
            found.append((word, "read" if bare in ("<", "<&") else "write"))
    return tuple(reds), make_paths(found, cwd, env), tuple(urls)


# ---------------------------------------------------------------------------- heredocs


def reads_shell_stdin(cmd: SimpleCommand) -> bool:
    """A shell that reads its program from stdin: ``bash``, ``sh -s``, ``bash -``."""
    if interpreter_family(cmd.program) not in SHELLS:
        return False
    from gatepost.analysis.wrappers import options

    words = [literal(a) for a in cmd.argv]
    i, seen = options(words, 0, frozenset({"-o", "-O"}), frozenset({"--rcfile", "--init-file"}))
    if "-c" in seen:
        return False
    return "-s" in seen or i >= len(words) or words[i][0] in ("-", "/dev/stdin")


def feed_shell(st: State, text: str, shell: SimpleCommand, idx: int, ctx: Ctx) -> None:
    if ctx.nesting + 1 > MAX_NESTING:
        st.truncated = True
        return
    inner = Ctx("heredoc", 0, 0, 1, (*shell.wrappers, shell.program), (), idx, ctx.nesting + 1)
    saved = st.cwd
    st.parse_text(st, text, inner)
    st.cwd = saved


def feed_inline(
    st: State, code: str, interpreter: SimpleCommand, idx: int, ctx: Ctx, label: str
) -> None:
    """The shell commands with the effects of interpreter code (see inline.py)."""
    language = INLINE_LANGUAGES.get(interpreter_family(interpreter.program), "")
    if not language:
        return
    from gatepost.analysis.inline import inline_commands

    lines = inline_commands(language, code)
    if not lines:
        return
    if ctx.nesting + 1 > MAX_NESTING:
        st.truncated = True
        return
    inner = Ctx("inline", 0, 0, 1, (*interpreter.wrappers, label), (), idx, ctx.nesting + 1)
    saved = st.cwd
    for line in lines:
        st.parse_text(st, line, inner)
        st.cwd = saved
