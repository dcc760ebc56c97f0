"""Secret redaction: recall over a generated corpus, false positives over ordinary text, exact
records, idempotence and linear cost (gatepost.evidence.redact)."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatepost.evidence.redact import DETECTORS, Redaction, redact_text, redact_value
from tests.evidence.clean_corpus import (
    clean_lines,
    dcg_lines,
    dcg_root,
    generated_lines,
    must_keep_lines,
)
from tests.evidence.secret_corpus import CARRIERS, PER_KIND, Case, removed, secret_cases
from tests.shared import dcg_root as shared_dcg_root
from tests.shared import require

REQUIRED_KINDS = {
    "aws-access-key", "aws-secret-key", "gcp-api-key", "gcp-service-account-key",
    "azure-storage-key", "azure-sas-token", "azure-client-secret", "github-token",
    "gitlab-token", "slack-token", "slack-webhook", "stripe-key", "openai-key",
    "anthropic-key", "npm-token", "pypi-token", "jwt", "private-key", "url-password",
    "password", "high-entropy",
}  # fmt: skip


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return secret_cases()


def _apply(text: str, records: tuple[Redaction, ...]) -> str:
    """Rebuild the redacted text from the original and the records alone."""
    out, pos = [], 0
    for r in records:
        out += [text[pos : r.start], f"[REDACTED:{r.detector}]"]
        pos = r.start + r.length
    return "".join(out) + text[pos:]


# ---------------------------------------------------------------------------- the corpora


def test_corpus_has_every_kind_in_every_carrier(cases: list[Case]) -> None:
    counts = Counter((c.kind, c.carrier) for c in cases)
    assert {kind for kind, _ in counts} == REQUIRED_KINDS
    assert {n for n in counts.values()} == {PER_KIND}
    assert {carrier for _, carrier in counts} == set(CARRIERS)


def test_recall_is_at_least_99_percent(cases: list[Case]) -> None:
    missed = [c for c in cases if not removed(c, redact_text(c.text)[0])]
    recall = 1 - len(missed) / len(cases)
    by_kind = Counter(c.kind for c in missed)
    print(f"\nrecall={recall:.4f} ({len(cases) - len(missed)}/{len(cases)}) missed={dict(by_kind)}")
    assert recall >= 0.99, [c.text for c in missed[:5]]
    assert all(n <= PER_KIND * len(CARRIERS) * 0.05 for n in by_kind.values()), by_kind


def test_false_positive_rate_is_at_most_1_percent() -> None:
    lines = clean_lines()
    altered = [line for line in lines if redact_text(line)[1]]
    rate = len(altered) / len(lines)
    print(f"\nfalse_positive_rate={rate:.4f} ({len(altered)}/{len(lines)} lines altered)")
    assert len(lines) >= 1000
    assert rate <= 0.01, altered[:10]


def test_high_entropy_text_that_is_not_secret_stays() -> None:
    # commit SHAs, UUIDs, digests, base64 image data, lock-file hashes, integrity fields, CSS
    assert [line for line in must_keep_lines() if redact_text(line)[1]] == []


def test_the_dcg_commands_are_read_in_place() -> None:
    root = dcg_root() or require(shared_dcg_root() / "corpus")
    lines = dcg_lines(root)
    assert len(lines) >= 600
    assert "git status" in lines
    assert len(generated_lines()) >= 1000


# ---------------------------------------------------------------------------- exact records

AKID = "AKIA" + "Q7ZL4XWJ2N6R3T5V"
GHP = "ghp" + "_" + "x7Kq2LmN4pR8sT1vW3yB6dF9hJ0aC5eG7iK2"
GLPAT = "glpat" + "-" + "Xq3Lm9Np2Rs7Tv5Wy8Zb"
ANT = "sk-ant" + "-api03-" + "Zx9" * 31 + "AA"
PEM_BODY = (
    "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
    "KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ"
)
PEM = "-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY + "\n-----END RSA PRIVATE KEY-----"
GENERIC = "Zx8Kq2LmN4pR7sT1vW3yB6dF9hJ0"

EXAMPLES = [
    (
        f"export AWS_ACCESS_KEY_ID={AKID}",
        "export AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key]",
        (Redaction("command", "aws-access-key", 25, 20),),
    ),
    (
        f'curl -H "Authorization: Bearer {GHP}" https://api.github.com/user',
        'curl -H "Authorization: Bearer [REDACTED:github-token]" https://api.github.com/user',
        (Redaction("command", "github-token", 31, 40),),
    ),
    (
        "git clone https://deploy:S3cr3t-Pa55@github.com/acme/api.git",
        "git clone https://deploy:[REDACTED:url-password]@github.com/acme/api.git",
        (Redaction("command", "url-password", 25, 11),),
    ),
    (
        f"git clone https://oauth2:{GLPAT}@gitlab.com/acme/api.git",  # overlapping: one record
        "git clone https://oauth2:[REDACTED:gitlab-token]@gitlab.com/acme/api.git",
        (Redaction("command", "gitlab-token", 25, 26),),
    ),
    (
        "DB_PASSWORD=hunter2-Xy9 API_TOKEN=tok_9f8e7d6c5b ./run.sh",
        "DB_PASSWORD=[REDACTED:password-assignment] "
        "API_TOKEN=[REDACTED:secret-assignment] ./run.sh",
        (
            Redaction("command", "password-assignment", 12, 11),
            Redaction("command", "secret-assignment", 34, 14),
        ),
    ),
    (
        "mysql -u root -p'S3cr3t!' shop < dump.sql",
        "mysql -u root -p'[REDACTED:cli-password]' shop < dump.sql",
        (Redaction("command", "cli-password", 17, 7),),
    ),
    (
        f"here is my key {GENERIC}, why does it fail",
        "here is my key [REDACTED:high-entropy], why does it fail",
        (Redaction("command", "high-entropy", 15, 28),),
    ),
    (
        f'{{"api_key": "{ANT}", "model": "claude"}}',
        '{"api_key": "[REDACTED:anthropic-key]", "model": "claude"}',
        (Redaction("command", "anthropic-key", 13, 108),),
    ),
    (
        f"why is this key rejected?\n{PEM}\nthanks",
        "why is this key rejected?\n[REDACTED:private-key]\nthanks",
        (Redaction("command", "private-key", 26, len(PEM)),),
    ),
    (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"
        "AAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACD",  # truncated: no END line
        "[REDACTED:private-key]",
        (Redaction("command", "private-key", 0, 118),),
    ),
    (
        "git commit -m 'rotate the API key and the token cache' && git push",
        "git commit -m 'rotate the API key and the token cache' && git push",
        (),
    ),
]


@pytest.mark.parametrize(("text", "expected", "records"), EXAMPLES)
def test_exact_redactions(text: str, expected: str, records: tuple[Redaction, ...]) -> None:
    assert redact_text(text, "command") == (expected, records)


def test_redact_value_walks_json_and_redacts_secret_keys_wholesale() -> None:
    raw = {
        "tool_name": "Bash",
        "tool_input": {"command": f"export GITHUB_TOKEN={GHP}", "timeout": 120},
        "env": {"DB_PASSWORD": "hunter2-Xy9", "HOME": "/home/dev", "TOKEN_TTL": "3600"},
        "headers": {"Authorization": "Basic dXNlcjpwYXNzd29yZA=="},
        "edits": [{"old_string": "x = 1", "new_string": f"key = '{AKID}'"}],
        "cwd": "/home/dev/api",
        "ok": True,
    }
    expected = {
        "tool_name": "Bash",
        "tool_input": {"command": "export GITHUB_TOKEN=[REDACTED:github-token]", "timeout": 120},
        "env": {
            "DB_PASSWORD": "[REDACTED:password-assignment]",
            "HOME": "/home/dev",
            "TOKEN_TTL": "3600",
        },
        "headers": {"Authorization": "Basic [REDACTED:auth-header]"},
        "edits": [{"old_string": "x = 1", "new_string": "key = '[REDACTED:aws-access-key]'"}],
        "cwd": "/home/dev/api",
        "ok": True,
    }
    assert redact_value(raw, "raw") == (
        expected,
        (
            Redaction("raw.tool_input.command", "github-token", 20, 40),
            Redaction("raw.env.DB_PASSWORD", "password-assignment", 0, 11),
            Redaction("raw.headers.Authorization", "auth-header", 6, 20),
            Redaction("raw.edits[0].new_string", "aws-access-key", 7, 20),
        ),
    )
    assert raw["env"] == {"DB_PASSWORD": "hunter2-Xy9", "HOME": "/home/dev", "TOKEN_TTL": "3600"}
    assert redact_value(expected, "raw") == (expected, ())  # idempotent


def test_tuples_stay_tuples_and_scalars_pass_through() -> None:
    assert redact_value(("a", 1, None, 2.5, [f"t={AKID}"])) == (
        ("a", 1, None, 2.5, ["t=[REDACTED:aws-access-key]"]),
        (Redaction("[4][0]", "aws-access-key", 2, 20),),
    )


# ---------------------------------------------------------------------------- invariants


def test_records_locate_the_secrets_and_redaction_is_idempotent(cases: list[Case]) -> None:
    for case in cases:
        redacted, records = redact_text(case.text, "f")
        assert _apply(case.text, records) == redacted
        assert all(r.detector in DETECTORS and r.length > 0 for r in records)
        assert redact_text(redacted, "f") == (redacted, ()), case.text


_PIECES = [
    "password=",
    "token: ",
    "export API_KEY=",
    "Authorization: Bearer ",
    "https://u:",
    "@host/x",
    "key ",
    "-----BEGIN RSA PRIVATE KEY-----\n",
    "\n-----END RSA PRIVATE KEY-----",
    "eyJhbGciOi",
    ".eyJzdWIiOi",
    AKID,
    GHP,
    GENERIC,
    "[REDACTED:jwt]",
    "mysql -p",
    "curl -u a:",
    " ",
    "\n",
    '"',
    "=",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=12), max_size=24))
def test_any_mix_is_idempotent_and_consistent(pieces: list[str]) -> None:
    text = "".join(pieces)
    redacted, records = redact_text(text)
    assert _apply(text, records) == redacted
    assert redact_text(redacted) == (redacted, ())


ADVERSARIAL = [
    "eyJ",
    "password=",
    "password: ",
    "token ",
    "key=token:secret ",
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n",
    "://a:",
    "curl -u ",
    "mysql -p",
    "Bearer ",
    "a",
    "ghp_",
    "Cookie: a=",
    '"secret": "',
    "my password is ",
]


def _seconds(text: str) -> float:
    """CPU seconds of this process (not wall time, which other processes on a busy machine
    would inflate), the best of three."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        redact_text(text)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_cost_stays_linear_on_pathological_input(unit: str) -> None:
    small = _seconds(unit * (25_000 // len(unit)))
    large = _seconds(unit * (100_000 // len(unit)))
    assert large < 3.0  # 100 kB of the worst text we know of
    assert large < 8 * small + 0.05  # four times the text, not sixteen times the time
