"""The tree walk: every simple command in a tree-sitter-bash syntax tree.

:func:`walk` visits pipelines, lists, subshells and groups, compound-statement bodies,
function bodies, command and process substitutions and heredocs, and hands each command's
words, assignments and redirects to :func:`gatepost.analysis.emit.emit`. Loaded by
:mod:`gatepost.analysis.shell` with the parser: a plain word list needs neither.
"""

from __future__ import annotations

from typing import Any

from gatepost.analysis.emit import (
    MAX_WORDS,
    Ctx,
    Redir,
    State,
    emit,
    feed_inline,
    feed_shell,
    reads_shell_stdin,
)
from gatepost.analysis.emit import append as append_command
from gatepost.analysis.emit import attach as attach_redirects
from gatepost.analysis.programs import reads_code_from_stdin
from gatepost.analysis.words import (
    SUBSTITUTIONS,
    Word,
    evaluate,
    find_substitutions,
    literal,
    text_of,
)

MAX_LEVEL = 160  # syntax tree depth walked

_WORDISH = frozenset(
    {
        "word",
        "string",
        "raw_string",
        "concatenation",
        "simple_expansion",
        "expansion",
        "number",
        "ansi_c_string",
        "arithmetic_expansion",
        "brace_expression",
        "extglob_pattern",
        "test_operator",
        "regex",
        "variable_name",
        "special_variable_name",
        "string_content",
        "heredoc_content",
        "heredoc_start",
        "heredoc_end",
        "file_descriptor",
        "translated_string",
    }
)
_SKIP = frozenset({"comment"})


def walk(st: State, node: Any, ctx: Ctx, level: int) -> None:
    """Add the commands of the tree below ``node`` (at depth ``level``) to ``st``."""
    if level > MAX_LEVEL:
        st.truncated = True
        return
    st.level = level  # text a wrapper runs is walked below the command that holds it
    t = node.type
    handler = _HANDLERS.get(t)
    if handler is not None:
        handler(st, node, ctx, level)
    elif t in SUBSTITUTIONS:
        _substitution(st, node, ctx, level, ctx.parent)
    else:
        _children(st, node, ctx, level)


def _children(st: State, node: Any, ctx: Ctx, level: int) -> None:
    for child in node.named_children:
        t = child.type
        if t in _SKIP:
            continue
        if t in _WORDISH:
            subs: list[Any] = []
            find_substitutions(child, subs)
            for sub in subs:
                _substitution(st, sub, ctx, level + 1, ctx.parent)
        else:
            walk(st, child, ctx, level + 1)


def _subshell(st: State, node: Any, ctx: Ctx, level: int) -> None:
    saved = st.cwd
    _children(st, node, ctx, level)
    st.cwd = saved


def _function(st: State, node: Any, ctx: Ctx, level: int) -> None:
    body = node.child_by_field_name("body")
    if body is not None:
        saved = st.cwd
        walk(st, body, ctx, level + 1)
        st.cwd = saved


def _substitution(st: State, node: Any, ctx: Ctx, level: int, parent: int) -> None:
    kind = "substitution" if node.type == "command_substitution" else "process-substitution"
    inner = Ctx(kind, 0, 0, 1, ctx.wrappers, (), parent, ctx.nesting)
    saved = st.cwd
    _children(st, node, inner, level + 1)
    st.cwd = saved


def _pipeline(st: State, node: Any, ctx: Ctx, level: int) -> None:
    stages = [c for c in node.named_children if c.type not in _SKIP]
    _stages(st, stages, ctx, level)


def _stages(st: State, stages: list[Any], ctx: Ctx, level: int) -> int:
    st.pipelines += 1
    pid = st.pipelines
    saved = st.cwd
    for i, stage in enumerate(stages):
        st.cwd = saved
        sctx = Ctx(
            ctx.context,
            pid,
            i,
            len(stages),
            ctx.wrappers,
            ctx.assigns,
            ctx.parent,
            ctx.nesting,
        )
        walk(st, stage, sctx, level + 1)
    st.cwd = saved
    return pid


def _command(
    st: State,
    node: Any,
    ctx: Ctx,
    level: int,
    outer: list[Redir] | None = None,
    gap: list[Word] | None = None,
) -> None:
    words: list[Word] = []
    assigns: list[str] = []
    redirects: list[Redir] = []
    subs: list[Any] = []
    children = node.children
    for k, child in enumerate(children):
        t = child.type
        if t == "variable_assignment" and not words:
            assigns.append(_assignment(child, subs, st.src))
        elif t in ("file_redirect", "herestring_redirect"):
            redirects.append(_redirect(child, subs, st.src))
        elif t in _SKIP:
            continue
        elif not child.is_named:
            nxt = children[k + 1] if k + 1 < len(children) else None
            if t == "$" and nxt is not None and nxt.start_byte == child.end_byte:
                continue  # $"..." (a translated string): the string follows
            words.append(literal(t))
        else:
            words.append(evaluate(child, subs, st.src))
    if len(words) > MAX_WORDS:
        words = words[:MAX_WORDS]
        st.truncated = True
    if gap:
        words.extend(gap)
    if outer:
        redirects.extend(outer)
    seen = len(st.consumed)
    idx = emit(st, words, tuple(assigns), redirects, ctx)
    parsed = st.consumed[seen:]
    for sub in subs:
        if not parsed or not any(text_of(sub, st.src) in text for text in parsed):
            _substitution(st, sub, ctx, level, idx if idx >= 0 else ctx.parent)
    if idx >= 0:
        for _op, word, kind in redirects:
            if kind == "herestring":
                st.heredocs.append(word[0])
                main = st.commands[idx]
                if reads_shell_stdin(main) and not word[1]:
                    feed_shell(st, word[0], main, idx, ctx)
                elif reads_code_from_stdin(main.program, main.argv):
                    feed_inline(st, word[0], main, idx, ctx, main.program + " <<<")


def _declaration(st: State, node: Any, ctx: Ctx, level: int) -> None:
    words: list[Word] = []
    subs: list[Any] = []
    for child in node.children:
        t = child.type
        if not child.is_named:
            if not words:
                words.append(literal(t))  # the keyword: export, declare, local, unset...
        elif t == "variable_assignment":
            words.append(literal(_assignment(child, subs, st.src)))
        elif t not in _SKIP:
            words.append(evaluate(child, subs, st.src))
    idx = append_command(st, words, (), (), [], ctx, False, st.cwd)
    for sub in subs:
        _substitution(st, sub, ctx, level, idx if idx >= 0 else ctx.parent)


def _assignments(st: State, node: Any, ctx: Ctx, level: int) -> None:
    subs: list[Any] = []
    find_substitutions(node, subs)
    for sub in subs:
        _substitution(st, sub, ctx, level, ctx.parent)


def _assignment(node: Any, subs: list[Any], src: bytes | None) -> str:
    name, op, value = "", "=", ""
    for child in node.children:
        if child.type in ("=", "+="):
            op = child.type
        elif not name:
            name = text_of(child, src)
        else:
            value = evaluate(child, subs, src)[0]
    return f"{name}{op}{value}"


def _redirect(node: Any, subs: list[Any], src: bytes | None) -> Redir:
    if node.type == "herestring_redirect":
        for child in node.named_children:
            return ("<<<", evaluate(child, subs, src), "herestring")
        return ("<<<", literal(""), "herestring")
    fd = op = ""
    dest: Word | None = None
    for child in node.children:
        t = child.type
        if t == "file_descriptor":
            fd = text_of(child, src)
        elif not child.is_named:
            op = op or t
        elif dest is None and t != "ERROR":
            dest = evaluate(child, subs, src)
    return (fd + op, dest or literal(""), "file")


def _redirected(st: State, node: Any, ctx: Ctx, level: int) -> None:
    body = node.child_by_field_name("body")
    redirects: list[Redir] = []
    heredocs: list[tuple[str, bool, Any]] = []
    subs: list[Any] = []
    tail: Any = None
    rest: list[Any] = []
    for child in node.children:
        t = child.type
        if body is not None and child == body:
            continue
        if t in ("file_redirect", "herestring_redirect"):
            redirects.append(_redirect(child, subs, st.src))
        elif t == "heredoc_redirect":
            tail = _heredoc(child, redirects, heredocs, subs, rest, st.src) or tail
        elif child.is_named and t not in _SKIP:
            rest.append(child)
    saved = st.cwd
    start = len(st.commands)
    if body is None:  # only redirects: "> file" truncates it
        idx = append_command(st, [], ctx.wrappers, ctx.assigns, redirects, ctx, False, saved)
        targets: list[int] = [idx] if idx >= 0 else []
        redirects = []
    elif tail is not None:
        stages, more = _split_tail(tail)
        rest = more + rest
        pid = _stages(st, [body, *stages], ctx, level)
        targets = [
            k
            for k in range(start, len(st.commands))
            if st.commands[k].parent == ctx.parent
            and st.commands[k].pipeline == pid
            and st.commands[k].stage == 0
        ]
    elif body.type == "command":  # the common case: the redirects go in as it is built
        _command(st, body, ctx, level + 1, redirects, _gap_words(node, body, st.src))
        redirects = []
        targets = [k for k in range(start, len(st.commands)) if st.commands[k].parent == ctx.parent]
    else:
        pid = st.pipelines + 1
        walk(st, body, ctx, level + 1)
        targets = [k for k in range(start, len(st.commands)) if st.commands[k].parent == ctx.parent]
        if body.type == "pipeline":
            targets = [k for k in targets if st.commands[k].pipeline == pid] or targets
            last = max(st.commands[k].stage for k in targets) if targets else 0
            targets = [k for k in targets if st.commands[k].stage == last]
    if targets and redirects:
        attach_redirects(st, targets, redirects, saved)
    end = len(st.commands)
    for text, quoted, body_node in heredocs:
        st.heredocs.append(text)
        shells = [k for k in targets if reads_shell_stdin(st.commands[k])]
        if not shells and tail is not None:
            shells = [
                k
                for k in range(start, end)
                if st.commands[k].stage > 0
                and st.commands[k].parent == ctx.parent
                and reads_shell_stdin(st.commands[k])
            ]
        for k in shells[:1]:
            feed_shell(st, text, st.commands[k], k, ctx)
        for k in targets:
            if not shells and reads_code_from_stdin(st.commands[k].program, st.commands[k].argv):
                feed_inline(st, text, st.commands[k], k, ctx, st.commands[k].program + " <<")
        if not shells and not quoted and body_node is not None:
            find_substitutions(body_node, subs)
    parent = targets[0] if targets else ctx.parent
    for sub in subs:
        _substitution(st, sub, ctx, level, parent)
    for node_ in rest:
        walk(st, node_, ctx, level + 1)


def _gap_words(node: Any, body: Any, src: bytes | None) -> list[Word]:
    """Words tree-sitter leaves out of the body: ``python - <<EOF`` loses its ``-``."""
    kids = node.children
    after = next((c for c in kids if c.start_byte >= body.end_byte and c != body), None)
    if after is None or after.start_byte == body.end_byte:
        return []
    text: bytes = node.text if src is None else src[node.start_byte : node.end_byte]
    gap = text[body.end_byte - node.start_byte : after.start_byte - node.start_byte]
    return [literal(w) for w in gap.decode("utf-8", "replace").split()]


def _heredoc(
    node: Any,
    redirects: list[Redir],
    heredocs: list[tuple[str, bool, Any]],
    subs: list[Any],
    rest: list[Any],
    src: bytes | None,
) -> Any:
    """Read one heredoc redirect; returns the pipeline tree-sitter hangs inside it, if any."""
    op, delim, quoted = "<<", "", False
    body: Any = None
    tail: Any = None
    for child in node.children:
        t = child.type
        if t in ("<<", "<<-"):
            op = t
        elif t == "heredoc_start":
            token = text_of(child, src)
            quoted = any(q in token for q in "'\"\\")
            delim = token.replace("'", "").replace('"', "").replace("\\", "")
        elif t == "heredoc_body":
            body = child
        elif t in ("file_redirect", "herestring_redirect"):
            redirects.append(_redirect(child, subs, src))
        elif t == "pipeline":
            tail = child
        elif child.is_named and t not in ("heredoc_end", "comment"):
            rest.append(child)  # the command after && / || / ;
    text = text_of(body, src) if body is not None else ""
    if op == "<<-":
        text = "\n".join(line.lstrip("\t") for line in text.split("\n"))
    redirects.append((op, literal(delim), "heredoc"))
    heredocs.append((text, quoted, body))
    return tail


def _split_tail(tail: Any) -> tuple[list[Any], list[Any]]:
    """``cat <<EOF | a | b && c``: tree-sitter hangs ``| a | b && c`` inside the heredoc."""
    named = [c for c in tail.named_children if c.type not in _SKIP]
    if len(named) != 1:
        return named, []
    node = named[0]
    rest: list[Any] = []
    while node.type == "list":
        kids = [c for c in node.named_children if c.type not in _SKIP]
        if not kids:
            break
        rest = kids[1:] + rest
        node = kids[0]
    if node.type == "pipeline":
        return [c for c in node.named_children if c.type not in _SKIP], rest
    return [node], rest


_HANDLERS = {
    "command": _command,
    "pipeline": _pipeline,
    "redirected_statement": _redirected,
    "subshell": _subshell,
    "function_definition": _function,
    "declaration_command": _declaration,
    "unset_command": _declaration,
    "variable_assignment": _assignments,
    "variable_assignments": _assignments,
    "heredoc_body": _assignments,
}
