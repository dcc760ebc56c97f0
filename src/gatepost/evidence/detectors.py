"""Detectors for secrets with a recognisable shape: provider tokens, private keys, URL passwords.

Every detector is a function ``(text, hits) -> iterable of Hit`` (``hits`` are the credential
keyword positions, used by :mod:`gatepost.evidence.assignments`; the detectors here ignore them).
A Hit is ``(start, end, detector, match_start, match_end)``: the secret's span, the detector's
name, and the span of the whole match including its context (used to keep markers stable).

Cost: each detector first checks for a trigger substring (a C-speed ``in``), and every pattern
starts with a literal so the regex engine skips ahead to candidates. Repetition is bounded and
possessive, so a failed attempt costs at most the bound and never backtracks into itself.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from gatepost.evidence.shape import is_placeholder

Hit = tuple[int, int, str, int, int]
KeywordHit = tuple[int, str]  # position of a credential keyword, its lowercase stem

ALNUM = frozenset(string.ascii_letters + string.digits)
WORD = ALNUM | {"_", "-"}
_NO_LEFT: frozenset[str] = frozenset()


def left_ok(text: str, start: int, forbidden: frozenset[str]) -> bool:
    """True when the character before ``start`` does not glue the match to a longer word.

    An escape such as ``\\n`` (backslash then letter, as in JSON text) counts as a boundary.
    """
    if start == 0:
        return True
    c = text[start - 1]
    if c not in forbidden:
        return True
    return start >= 2 and text[start - 2] == "\\" and c in "nrt"


def mixed(value: str) -> bool:
    """Has a digit and a letter: random token bodies do, words and placeholders do not."""
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


@dataclass(frozen=True, slots=True)
class TokenPattern:
    """A secret recognised by its own shape, anywhere in the text."""

    name: str
    triggers: tuple[str, ...]  # at least one must occur in the text for the regex to run
    pattern: re.Pattern[str]  # group "s", when present, is the secret; else the whole match
    left: frozenset[str] = ALNUM  # characters that must not come right before the match
    back: int = 0  # the secret starts this many characters before the match (see azure)
    check: Callable[[str], bool] | None = None  # extra test on the secret text

    def find(self, text: str) -> Iterator[Hit]:
        if not any(t in text for t in self.triggers):
            return
        has_group = "s" in self.pattern.groupindex
        for m in self.pattern.finditer(text):
            ms = m.start() - self.back
            if ms < 0 or (self.left and not left_ok(text, ms, self.left)):
                continue
            s, e = m.span("s") if has_group else (ms, m.end())
            if s == e or (self.check is not None and not self.check(text[s:e])):
                continue
            yield (s, e, self.name, ms, m.end())


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_GITLAB_KINDS = (
    "pat",
    "dt",
    "rt",
    "ptt",
    "cbt",
    "imt",
    "oas",
    "ft",
    "soat",
    "agent",
    "ffct",
    "rtr",
)
_OPENAI_OK = re.compile(r"[A-Za-z0-9_\-]*[0-9][A-Za-z0-9_\-]*")

TOKEN_PATTERNS: tuple[TokenPattern, ...] = (
    TokenPattern(
        "aws-access-key",
        ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
        _c(r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])"),
    ),
    TokenPattern("gcp-api-key", ("AIza",), _c(r"AIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])"), WORD),
    TokenPattern(
        "gcp-service-account-key",
        ('"private_key_id"',),
        _c(r'"private_key_id"[ \t]{0,8}+:[ \t]{0,8}+"(?P<s>[a-f0-9]{40})"'),
        _NO_LEFT,
    ),
    TokenPattern(
        "github-token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        _c(r"gh[pousr]_[A-Za-z0-9]{30,251}+(?![A-Za-z0-9_])"),
        WORD,
    ),
    TokenPattern(
        "github-token", ("github_pat_",), _c(r"github_pat_[A-Za-z0-9_]{22,255}+"), WORD, check=mixed
    ),
    TokenPattern(
        "gitlab-token",
        tuple(f"gl{k}-" for k in _GITLAB_KINDS),
        _c(r"gl(?:" + "|".join(_GITLAB_KINDS) + r")-[A-Za-z0-9_\-]{20,255}+"),
        WORD,
        check=mixed,
    ),
    TokenPattern(
        "gitlab-token", ("GR1348941",), _c(r"GR1348941[A-Za-z0-9_\-]{20,255}+"), WORD, check=mixed
    ),
    TokenPattern(
        "slack-webhook",
        ("hooks.slack.com",),
        _c(r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<s>[A-Za-z0-9_/\-]{16,200}+)"),
        _NO_LEFT,
    ),
    TokenPattern(
        "slack-token", ("xox",), _c(r"xox[abposre]-[A-Za-z0-9\-]{10,250}+"), WORD, check=mixed
    ),
    TokenPattern("slack-token", ("xapp-",), _c(r"xapp-[A-Za-z0-9\-]{10,250}+"), WORD, check=mixed),
    TokenPattern(
        "stripe-key",
        ("sk_live_", "sk_test_"),
        _c(r"sk_(?:live|test)_[A-Za-z0-9]{10,247}+"),
        WORD,
        check=mixed,
    ),
    TokenPattern(
        "stripe-key",
        ("rk_live_", "rk_test_"),
        _c(r"rk_(?:live|test)_[A-Za-z0-9]{10,247}+"),
        WORD,
        check=mixed,
    ),
    TokenPattern(
        "stripe-key", ("whsec_",), _c(r"whsec_[A-Za-z0-9+/=]{20,100}+"), WORD, check=mixed
    ),
    TokenPattern("anthropic-key", ("sk-ant-",), _c(r"sk-ant-[A-Za-z0-9_\-]{20,250}+"), WORD),
    TokenPattern(
        "openai-key",
        ("sk-",),
        _c(r"sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,250}+"),
        WORD,
        check=lambda v: _OPENAI_OK.fullmatch(v) is not None and any(c.isupper() for c in v),
    ),
    TokenPattern(
        "npm-token", ("npm_",), _c(r"npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"), WORD, check=mixed
    ),
    TokenPattern("pypi-token", ("pypi-AgE",), _c(r"pypi-AgE[A-Za-z0-9_\-]{30,2000}+"), WORD),
    TokenPattern(
        "jwt",
        ("eyJ",),
        # the look-behind after the literal stops attempts inside a run of word characters
        # (eyJeyJeyJ...), each of which would otherwise scan up to the bound before failing
        _c(
            r"eyJ(?:(?<![A-Za-z0-9_\-]eyJ)|(?<=\\[nrt]eyJ))[A-Za-z0-9_\-]{5,4000}+"
            r"\.eyJ[A-Za-z0-9_\-]{5,8000}+\.[A-Za-z0-9_\-+/=]{0,2000}+"
        ),
        WORD,
    ),
    TokenPattern(
        "azure-storage-key",
        ("AccountKey=",),
        _c(r"AccountKey=(?P<s>[A-Za-z0-9+/=]{20,200}+)"),
        _NO_LEFT,
    ),
    TokenPattern(
        "azure-storage-key",
        ("SharedAccessKey=",),
        _c(r"SharedAccessKey=(?P<s>[A-Za-z0-9+/=]{20,200}+)"),
        _NO_LEFT,
    ),
    TokenPattern(
        "azure-sas-token",
        ("sig=",),
        _c(r"sig=(?P<s>[A-Za-z0-9%+/=]{20,200}+)"),
        WORD,
    ),
    TokenPattern(
        "azure-client-secret",  # e.g. abc8Q~... : three characters, a digit, "Q~", 31-34 more
        ("Q~",),
        _c(r"Q~(?<=[A-Za-z0-9_~.\-]{3}[0-9]Q~)[A-Za-z0-9_~.\-]{31,34}+(?![A-Za-z0-9_~.\-])"),
        WORD | {".", "~"},
        back=4,
    ),
)


def find_tokens(text: str, hits: list[KeywordHit]) -> Iterable[Hit]:
    for pattern in TOKEN_PATTERNS:
        yield from pattern.find(text)


# ---------------------------------------------------------------------------- private keys

_SEP = r"(?: |%20|\+)"
_PEM_BEGIN = _c(r"-----BEGIN[A-Z0-9 %+]{1,60}?PRIVATE" + _SEP + r"KEY(?:" + _SEP + r"BLOCK)?-----")
_PEM_END = _c(r"-----END[A-Z0-9 %+]{1,60}?PRIVATE" + _SEP + r"KEY(?:" + _SEP + r"BLOCK)?-----")
_PEM_BODY = _c(r"[A-Za-z0-9+/]{16}")  # a key body has base64 runs; a header alone does not
_PEM_MAX = 100_000  # characters searched for the END line
_PEM_TAIL = _c(r"[A-Za-z0-9+/=\\%]{0,100000}+")  # rest of the BEGIN line (escaped or one-line)
_PEM_LINE = _c(
    r"[ \t]{0,40}+(?P<h>(?:Proc-Type|DEK-Info|Comment):[^\r\n]{0,200}+)?"
    r"(?P<b>[A-Za-z0-9+/=]{1,200}+)?[ \t\r]{0,40}+"
)


def _truncated_end(text: str, pos: int) -> int:
    """End of a key block that has no END line: the base64 lines that follow the header."""
    tail = _PEM_TAIL.match(text, pos)
    end = pos = tail.end() if tail is not None else pos
    after_header = True  # a blank line may follow the header block (Proc-Type, DEK-Info)
    n = len(text)
    while pos < n and text[pos] == "\n":
        m = _PEM_LINE.match(text, pos + 1)
        assert m is not None  # every part is optional
        stop = m.end()
        if stop < n and text[stop] != "\n":
            break  # the line holds something else: the block ended before it
        if m.group("h"):
            after_header = True
        elif m.group("b"):
            after_header = False
        elif not after_header:
            break  # a blank line ends the block
        if m.group("h") or m.group("b"):
            end = stop
        pos = stop
    return end


def find_private_keys(text: str, hits: list[KeywordHit]) -> Iterable[Hit]:
    """PEM and PGP private key blocks, BEGIN through END, or to the end of a truncated body."""
    if "-----BEGIN" not in text:
        return
    pos, next_end = 0, -1
    while (m := _PEM_BEGIN.search(text, pos)) is not None:
        start, body = m.span()
        if next_end < body:  # found once per END line, not once per BEGIN line
            next_end = text.find("-----END", body)
            if next_end < 0:
                next_end = len(text)
        end = _PEM_END.match(text, next_end) if next_end - body <= _PEM_MAX else None
        stop = end.end() if end is not None else _truncated_end(text, body)
        pos = max(stop, body)
        if _PEM_BODY.search(text, body, end.start() if end is not None else stop) is None:
            continue  # a header alone (a constant in code, a grep pattern): nothing secret
        gcp = '"private_key"' in text[max(0, start - 24) : start]
        yield (start, stop, "gcp-service-account-key" if gcp else "private-key", start, stop)


# ---------------------------------------------------------------------------- URL passwords

# scheme://user:password@host: the password (which may itself hold '@' or ':') runs to the last
# '@' before the path. The user name and the host stay.
_URL_CRED = _c(r"://[^\s:/?#@\[\]\"'<>`]{0,256}+:(?P<s>[^\s/?#\"'<>`]{1,256})@")


_URL_PLACEHOLDERS = frozenset({"password", "passwd", "pass", "pwd", "secret", "token", "pw"})


def find_url_passwords(text: str, hits: list[KeywordHit]) -> Iterable[Hit]:
    if "://" not in text or "@" not in text:
        return
    for m in _URL_CRED.finditer(text):
        s, e = m.span("s")
        value = text[s:e]
        if is_placeholder(value) or value.lower() in _URL_PLACEHOLDERS:
            continue
        yield (s, e, "url-password", m.start(), m.end())
