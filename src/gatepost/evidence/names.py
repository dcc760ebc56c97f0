"""Which names (variables, keys, flags, headers) hold a secret, and which values are literals.

``secret_label("AWS_SECRET_ACCESS_KEY")`` is ``"aws-secret-key"``; ``secret_label("max_tokens")``
and ``secret_label("password_file")`` are ``None``. Names are split into words on ``_ - .``
and on camelCase, so ``apiKey``, ``API_KEY``, ``x-api-key`` and ``api.key`` read alike.
"""

from __future__ import annotations

import re

from gatepost.evidence.shape import is_placeholder, random_looking, wordy

_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "passcode", "pass"})
_SECRET_WORDS = frozenset(
    {
        "secret", "token", "apikey", "credential", "credentials", "cookie", "authtoken",
        "accesstoken", "refreshtoken", "apitoken", "secretkey", "privatekey", "accesskey",
        "clientsecret", "authkey", "masterkey", "sessiontoken", "authorization",
    }
)  # fmt: skip
# too common as words to be a secret's name alone: "passwd: files" (nsswitch), PWD=/home/me
_NOT_ALONE = frozenset({"pass", "passwd", "pwd"})
# run-together names: PGPASSWORD, MYSQLPASSWORD, NGROK_AUTHTOKEN, BOTTOKEN
_PASSWORD_ENDINGS = ("password", "passwd", "passphrase")
_SECRET_ENDINGS = ("token", "secret", "apikey", "secretkey", "privatekey", "accesskey")
# "key" alone names a dictionary key; with one of these before it, it names a secret
_KEY_QUALIFIERS = frozenset(
    {
        "api", "access", "secret", "private", "signing", "encryption", "decryption", "master",
        "account", "app", "client", "auth", "subscription", "license", "storage", "shared",
        "webhook", "consumer", "admin", "root", "deploy", "ssh", "gpg", "pgp", "jwt", "session",
        "hmac", "crypto", "sas", "service", "integration", "ingest", "personal", "bot",
    }
)  # fmt: skip
# after the secret word, these make the name about the secret, not the secret itself
_NOT_AFTER = frozenset(
    {
        "type", "types", "url", "uri", "urls", "endpoint", "endpoints", "file", "files",
        "filename", "path", "paths", "dir", "name", "names", "field", "fields", "header",
        "headers", "env", "var", "vars", "prompt", "policy", "policies", "expiry", "expires",
        "expiration", "expire", "expired", "ttl", "timeout", "ref", "refs", "format", "mode",
        "kind", "regex", "re", "rx", "pattern", "label", "hint", "param", "params", "prefix",
        "suffix", "id", "ids", "max", "min", "count", "limit", "limits", "length", "len", "size",
        "index", "idx", "version", "provider", "method", "scope", "scopes", "location", "host",
        "port", "enabled", "required", "rotation", "source", "src", "stdin", "cmd", "command",
        "helper", "manager", "usage", "encoding", "algorithm", "alg", "lifetime", "budget",
        "counter", "validator", "validators", "validation", "strength", "schema", "class",
        "color", "colour", "spacing", "font", "style", "placeholder", "description", "desc",
        "help", "msg", "message", "error", "errors", "text", "title", "exists", "check",
        "callback", "handler", "template", "generator", "level", "position", "pos", "list",
        "map", "dict", "cache", "at", "in", "reset", "changed", "updated", "created", "set",
        "sent", "valid", "invalid", "missing", "empty", "store", "storage", "backend", "request",
        "response", "req", "resp", "res", "data", "info", "details", "meta", "metadata",
        "config", "cfg", "settings", "options", "opts", "arn", "strategy", "mechanism", "flow",
        "audience", "aud", "issuer", "iss", "subject", "claims", "claim", "leeway", "selector",
        "element", "input", "button", "btn", "box", "form", "visible", "visibility", "toggle",
        "icon", "view", "page", "screen", "modal", "dialog", "auth", "output", "mount", "volume",
        "key", "keys", "ring", "chain", "pair", "rules", "rule", "comment", "keyword", "string",
        "literal", "operator", "punctuation", "generic", "escape", "symbol", "builtin",
        "variable", "function", "tag", "attribute", "whitespace", "char",
        "spec", "specs", "status", "state", "role", "roles", "compliance", "attributes",
        "last", "used", "date", "time", "timestamp", "age", "rotated", "encryption", "code",
    }
)  # fmt: skip
# anywhere in the name, these say it is not a secret value
_NOT_ANYWHERE = frozenset(
    {
        "max", "min", "num", "public", "pub", "publishable", "is", "has", "use", "uses",
        "enable", "disable", "existing", "show", "hide", "allow", "require", "should",
        "validate", "check", "rotate", "generate", "no", "without", "skip", "ignore", "count",
        "number", "total", "fingerprint", "cert", "certificate", "csrf", "xsrf", "bucket",
        "input", "output", "next", "prev", "previous", "change", "continuation", "pagination",
        "page", "cursor", "marker", "sync", "idempotency", "purchase", "lexer", "parse",
        "parser", "creation", "lifecycle",
    }
)  # fmt: skip


def name_parts(name: str) -> list[str]:
    return [p.lower() for p in _PART.findall(name)]


def excluded_name(name: str) -> bool:
    """The name says its value is not a secret: nextToken, PublicKey, max_tokens, token_type."""
    parts = name_parts(name)
    for i, p in enumerate(parts):
        if p in _NOT_ANYWHERE:
            return True
        if p in _NOT_AFTER and i and p != "key" and parts[i - 1] not in _NOT_AFTER:
            return True
    return False


def _password_part(part: str, i: int, n: int) -> bool:
    if n == 1 and part in _NOT_ALONE:
        return False
    if part == "pass":
        return i == n - 1  # DB_PASS, SMTP_PASS; not pass_rate, pass_through
    return part in _PASSWORD_WORDS or part.endswith(_PASSWORD_ENDINGS)


def secret_label(name: str) -> str | None:
    """The detector name for a value assigned to ``name``, or None when the name is not secret."""
    parts = name_parts(name)
    last = -1
    password = False
    for i, p in enumerate(parts):
        if p in _NOT_ANYWHERE:
            return None
        if _password_part(p, i, len(parts)):
            last, password = i, True
        elif (
            p in _SECRET_WORDS
            or p.endswith(_SECRET_ENDINGS)
            or (p == "key" and i and parts[i - 1] in _KEY_QUALIFIERS)
        ):
            last, password = i, False
    if last < 0 or any(p in _NOT_AFTER for p in parts[last + 1 :]):
        return None
    if password:
        return "password-assignment"
    if parts[-1] == "authorization" and len(parts) <= 2:
        return "auth-header"  # Authorization, Proxy-Authorization, X-Authorization
    if "cookie" in parts:
        return "cookie"
    if "secret" in parts and ("aws" in parts or ("access" in parts and "key" in parts)):
        return "aws-secret-key"
    if "secret" in parts and "azure" in parts:
        return "azure-client-secret"
    return "secret-assignment"


_RESERVED = frozenset(
    {
        "none", "null", "nil", "true", "false", "yes", "no", "on", "off", "undefined", "str",
        "string", "bytes", "int", "integer", "bool", "boolean", "number", "float", "object",
        "any", "optional", "secretstr", "list", "dict", "required", "empty", "default", "env",
        "environment", "inherit", "omit", "unset", "redacted", "hidden", "masked", "password",
        "passwd", "secret", "token", "unknown", "void", "self", "this", "todo", "example",
        "read", "write", "include", "same-origin",
    }
)  # fmt: skip
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,200}")
_SEGMENT = re.compile(r"[A-Za-z_$][\w$]{0,200}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PATH_SPLIT = re.compile(r"[/._\-]")
_CONSTANT = re.compile(r"[A-Z][A-Z0-9]{0,100}_[A-Z0-9_]{1,100}")
_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}")
_REGEX_HINTS = ("(?", "[^", "\\w", "\\d", "\\s", "\\b")
_PATH = re.compile(r"(?:~|\.{1,2})?/[\w.\-/]{0,400}")


def _dotted(value: str) -> bool:
    """``config.password``, ``process.env.API_KEY``: a reference to a value held elsewhere."""
    segments = value.split(".")
    return len(segments) >= 2 and all(
        _SEGMENT.fullmatch(s) and all(wordy(w) for w in s.split("_")) for s in segments
    )


def _identifier(value: str) -> bool:
    """A variable or type name: snake_case, camelCase, CONSTANT words (hunter2 included)."""
    if _IDENTIFIER.fullmatch(value) is None:
        return False
    return value.replace("_", "").isalpha() or all(wordy(w) for w in value.split("_"))


def _camel(value: str) -> bool:
    """camelCase or PascalCase words without digits: a name, not a password."""
    return value.isalpha() and not value.islower() and not value.isupper() and wordy(value)


def is_literal(value: str, *, quoted: bool, code_context: bool) -> bool:
    """True when ``value`` (what follows a secret name) is itself the secret.

    ``code_context``: the assignment reads like program text (spaces around ``=``, or the value
    is followed by ``,`` ``)`` ``}`` or ``=``), where a bare identifier is a variable, not a
    literal.
    """
    if len(value) < 3 or is_placeholder(value) or value.lower() in _RESERVED:
        return False
    if value.count("*") >= 3 or value[0] == "*" or _COLOR.fullmatch(value):
        return False  # masked already, a grammar, a colour
    if _DATE.match(value) or _CONSTANT.fullmatch(value):
        return False  # a timestamp; an environment variable's name (DB_PASSWORD)
    if "/" in value and all(wordy(p) for p in _PATH_SPLIT.split(value)):
        return False  # projects/acme/secrets/db/versions/1, a path
    if "://" in value or "%s" in value or "%(" in value or value.startswith("arn:"):
        return False  # a URL (its password has a detector of its own), a format, an AWS ARN
    path = _PATH.fullmatch(value) and (value.count("/") >= 2 or "." in value)
    if path and not random_looking(value):
        return False
    if quoted:
        if "{" in value and "}" in value:
            return False  # a template: f-strings, str.format, Jinja
        if any(h in value for h in _REGEX_HINTS):
            return False  # a regular expression
        if " " in value:
            return False  # prose, a label, a style: passphrases with spaces are missed
        if _dotted(value):
            return False  # "DistributionList.NextMarker": a reference
        return not _camel(value)  # "challengePassword": a label
    if "(" in value or "[" in value or _dotted(value):
        return False  # a call, an index, an attribute
    if value[0] == "/" and not random_looking(value):
        return False  # a path or a JavaScript regular expression
    if _IDENTIFIER.fullmatch(value) and _camel(value):
        return False  # kEnumerableProperty: a variable
    return not (code_context and _identifier(value))
