"""Secrets found by their context: assignments, flags, auth headers, cookies, CLI passwords.

All of these start from the credential keyword positions (``keyword_hits``): a plain search for
each of a few stems (``pass``, ``token``, ``key``, ...) in a lower-cased byte copy of the text,
far cheaper than a case-insensitive regex over the whole text. Each hit is then examined with
anchored, bounded matches only; the CLI detectors do the same from program names.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from gatepost.evidence.detectors import ALNUM, Hit, KeywordHit, left_ok
from gatepost.evidence.names import is_literal, secret_label
from gatepost.evidence.shape import is_placeholder, wordy

STEMS = ("pass", "pwd", "secret", "token", "key", "credential", "cookie", "auth")
_BYTE_STEMS = tuple((stem.encode(), stem) for stem in STEMS)


def keyword_hits(text: str) -> list[KeywordHit]:
    """Every position of a credential stem in the text, in any letter case, sorted.

    The search runs over a lower-cased UTF-8 copy (``bytes.lower`` changes ASCII letters only,
    and a stem, being ASCII, always starts on a character boundary); byte offsets are then
    turned back into character offsets, in one pass, when the text is not all ASCII.
    """
    hay = text.encode("utf-8", "surrogatepass").lower()
    found: list[tuple[int, str]] = []
    for bstem, stem in _BYTE_STEMS:
        i = hay.find(bstem)
        while i >= 0:
            found.append((i, stem))
            i = hay.find(bstem, i + 1)
    found.sort()
    if len(hay) == len(text):
        return found
    out: list[KeywordHit] = []
    byte = char = 0
    for b, stem in found:
        char += len(hay[byte:b].decode("utf-8", "surrogatepass"))
        byte = b
        out.append((char, stem))
    return out


# after the stem: the rest of the name, an optional closing quote or bracket, the separator
_AFTER = re.compile(
    r"(?P<rest>[A-Za-z0-9_.\-]{0,40}+)(?P<q>[\"']?\]?)(?P<sp>[ \t]{0,8}+)"
    r"(?P<sep>=>|:=|=(?!=)|:(?![:/]))?"
)
_IDENT = ALNUM | {"_", ".", "-"}
_BARE = re.compile(r"[^\s\"'`,;&|)}\]<>\\]{1,2000}+")
_QUOTED = {
    '"': re.compile(r'"(?P<v>(?:[^"\\\r\n]|\\.){0,2000}+)"?'),
    "'": re.compile(r"'(?P<v>[^'\r\n]{0,2000}+)'?"),
    "`": re.compile(r"`(?P<v>[^`\r\n]{0,2000}+)`?"),
}
_AUTH_VALUE = re.compile(
    r"[\"'`]?(?:(?i:bearer|basic|token|bot|apikey|api-key|sso-key|ssws|oauth|jwt|key|digest|"
    r"negotiate|ntlm)[ \t]{1,8}+)?(?P<s>[^\s\"'`,;()\[\]{}<>\\]{6,4000}+)"
)
# words that follow a flag named in prose rather than on a command line
_PROSE = frozenset(
    {
        "option", "options", "flag", "flags", "argument", "arguments", "parameter", "value",
        "and", "or", "is", "are", "was", "to", "the", "for", "with", "instead", "must", "can",
        "will", "if", "when", "in", "on", "of", "as", "switch", "not", "only", "also",
    }
)  # fmt: skip
_HEADER_REST = re.compile(r"[^\r\n\"'`]{1,4000}+")


def _skip_spaces(text: str, pos: int) -> int:
    limit = min(len(text), pos + 16)
    while pos < limit and text[pos] in " \t":
        pos += 1
    return pos


def _line_start(text: str, start: int) -> bool:
    """The name opens a line or a quoted header (``-H "Cookie: ..."``, ``> Cookie: ...``)."""
    if start == 0 or text[start - 1] in "\n\r\"'`":
        return True
    return text[start - 1] == " " and start >= 2 and text[start - 2] in "<>"


def _name_start(text: str, pos: int) -> int:
    i, limit = pos, max(0, pos - 64)
    while i > limit and text[i - 1] in _IDENT:
        i -= 1
    return i


def _value(text: str, pos: int, spaced: bool, flag: bool) -> tuple[int, int, bool] | None:
    """The value that starts at ``pos`` (after the separator): its span, and whether it is a
    literal (the secret itself) rather than a reference, a type, a template or prose."""
    pos = _skip_spaces(text, pos)
    if pos >= len(text):
        return None
    c = text[pos]
    if c in "bBuU" and text[pos + 1 : pos + 2] in ("'", '"'):
        pos, c = pos + 1, text[pos + 1]
    elif c in "rRfF" and text[pos + 1 : pos + 2] in ("'", '"'):
        return None  # a raw string (a regular expression) or an f-string (a template)
    quote = _QUOTED.get(c)
    if quote is not None:
        m = quote.match(text, pos)
        assert m is not None
        s, e = m.span("v")
        return s, e, is_literal(text[s:e], quoted=True, code_context=False)
    m = _BARE.match(text, pos)
    if m is None:
        return None
    s, e = m.span()
    value = text[s:e]
    if flag and (c == "-" or value.lower() in _PROSE):
        return s, e, False  # the next flag, or prose: "the --password option"
    after = _skip_spaces(text, e)
    code = spaced or text[after : after + 1] in (",", ")", "}", "=", ";", "|", "]")
    return s, e, is_literal(value, quoted=False, code_context=code)


def find_assignments(text: str, hits: list[KeywordHit]) -> Iterable[Hit]:
    """``NAME=value``, ``name: value``, ``"name": "value"``, ``--name value`` for secret names.

    A keyword inside a name already examined, or inside a value being redacted, is skipped.
    """
    done = -1
    for pos, stem in hits:
        if pos < done:
            continue
        m = _AFTER.match(text, pos + len(stem))
        assert m is not None  # every part is optional
        sep, q = m.group("sep"), m.group("q")
        start = _name_start(text, pos)
        flag = text.startswith("-", start)
        if sep is None and not (flag and m.group("sp") and not q):
            continue
        if flag and sep == ":":
            continue  # a CSS custom property, --token-color: #fff
        if sep == ":" and not q and text[m.end() : m.end() + 1] not in _AFTER_COLON:
            continue  # "passwd:gecos", "Pass :meth:": not a YAML or header key
        done = m.end("rest")
        label = secret_label(text[start:done])
        if label is None:
            continue
        vpos = _skip_spaces(text, m.end())
        if label == "auth-header":
            v = _AUTH_VALUE.match(text, vpos)
            if v is not None and _token_like(v.group("s")):
                done = v.end()
                yield (v.start("s"), v.end("s"), label, start, v.end())
            continue
        header = sep == ":" and "]" not in q and _line_start(text, start)
        if label == "cookie" and header and text[start:done].lower() in _COOKIE_HEADERS:
            v = _HEADER_REST.match(text, vpos)
            if v is not None and _COOKIE_PAIR.match(v.group()) and not is_placeholder(v.group()):
                done = v.end()
                yield (v.start(), v.start() + len(v.group().rstrip()), label, start, v.end())
            continue
        spaced = bool(m.group("sp")) and sep is not None
        found = _value(text, vpos, spaced, flag and sep is None)
        if found is None:
            continue
        s, e, literal = found
        if literal and (label != "cookie" or "=" in text[s:e] or text[s - 1] in "\"'`"):
            done = max(done, e)  # what the value holds goes with it
            yield (s, e, label, start, e)


_COOKIE_PAIR = re.compile(r"[^\s=;]{1,200}+=")
_COOKIE_HEADERS = frozenset({"cookie", "set-cookie"})
_AFTER_COLON = frozenset({" ", "\t", '"', "'", "`", ""})

# ---------------------------------------------------------------------------- bearer tokens

_NON_ALNUM = re.compile(r"[^A-Za-z0-9]{1,100}")
_SCHEMES = frozenset({"bearer", "basic", "token", "digest", "negotiate", "ntlm", "apikey"})
_BEARER = re.compile(r"[ \t]{1,8}+(?P<s>[A-Za-z0-9._~+/=\-]{8,4000}+)")
_LETTERS = frozenset(string.ascii_letters)


def _token_like(value: str) -> bool:
    """Two or more of lower case, upper case, digits; not a placeholder or a scheme name."""
    classes = (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
    )
    if classes < 2 or is_placeholder(value) or value.lower() in _SCHEMES:
        return False
    return not all(wordy(p) for p in _NON_ALNUM.split(value))  # "Bearer GrantOptions": prose


def find_bearer_tokens(text: str, hits: list[KeywordHit]) -> Iterable[Hit]:
    """``Bearer <token>`` anywhere (headers in logs, curl commands, prose); ``Bearer`` stays."""
    for form in ("Bearer", "bearer", "BEARER"):
        i = text.find(form)
        while i >= 0:
            m = _BEARER.match(text, i + 6)
            if m is not None and left_ok(text, i, _LETTERS) and _token_like(m.group("s")):
                yield (m.start("s"), m.end("s"), "auth-header", i, m.end())
            i = text.find(form, i + 1)


# ---------------------------------------------------------------------------- CLI passwords

_PW = r"(?P<s>'[^'\n]{1,200}'|\"[^\"\n]{1,200}\"|[^\s'\"\-][^\s'\"]{0,199}+)"
_GLUED = re.compile(_PW)  # mysql -pSECRET: the value follows the option directly
_SPACED = re.compile(r"[ \t]{0,8}+" + _PW)  # sshpass -p SECRET
_USER_PASS = re.compile(r"[ \t]{0,8}+[\"']?[^\s:'\"]{1,128}+:(?P<s>[^\s'\"]{1,256}+)")
_LOGIN = re.compile(r"(?:docker|podman|helm|oras)[ \t]{1,8}+(?:registry[ \t]{1,8}+)?")
_PASS_ARG = re.compile(r"(?:in|out)?[ \t]{1,8}+pass:(?P<s>[^\s'\"]{1,200}+)")
_WINDOW = 300  # characters after the program name searched for the option (same line)

# (program, options, the value's pattern right after an option)
_CLI = (
    ("mysql", (" -p",), _GLUED),  # mysql, mysqldump, mysqladmin ...
    ("sshpass", (" -p",), _SPACED),
    ("redis-cli", (" -a",), _SPACED),
    ("login", (" -p",), _SPACED),  # docker / podman / helm / oras login
    ("curl", (" -u", " --user"), _USER_PASS),
    ("-pass", ("",), _PASS_ARG),  # openssl -passin pass:SECRET
)


def _line_window(text: str, pos: int) -> int:
    eol = text.find("\n", pos, pos + _WINDOW)
    return min(len(text), pos + _WINDOW) if eol < 0 else eol


def find_cli_passwords(text: str, hits: list[KeywordHit]) -> Iterable[Hit]:
    """Passwords given as command-line options: ``mysql -pX``, ``sshpass -p X``, ``curl -u u:X``.

    Each program name found is followed, on its line, by a plain search for the option, and the
    value is matched where the option ends: no regex scans the text for the program itself.
    """
    for program, options, value in _CLI:
        examined = 0  # options before this were already tried: a window is searched once
        pos = text.find(program)
        while pos >= 0:
            start = pos + len(program)
            if program != "login" or _LOGIN.search(text, max(0, pos - 40), pos) is not None:
                end = _line_window(text, start)
                found = None
                for option in options:
                    found = _option_value(text, max(start, examined), end, option, value)
                    if found is not None:
                        yield (found[0], found[1], "cli-password", pos, found[2])
                        break
                examined = found[2] if found is not None else end
            pos = text.find(program, start)


def _option_value(
    text: str, start: int, end: int, option: str, value: re.Pattern[str]
) -> tuple[int, int, int] | None:
    """The secret's span, and the match end, of the first ``option`` in ``text[start:end]``."""
    opt = text.find(option, start, end) if option else start
    while opt >= 0:
        m = value.match(text, opt + len(option))
        if m is not None:
            s, e = m.span("s")
            if text[s] in "'\"":
                s, e = s + 1, e - 1
            if not is_placeholder(text[s:e]):
                return s, e, m.end()
        opt = text.find(option, opt + 1, end) if option else -1
    return None
