"""Retention on both backends, with a controlled clock: raw evidence deleted, content stripped and
old events removed at the right ages, legal holds keeping theirs, the chain verifying after, and
a dry run changing nothing."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatepost.action import Operation, Verdict
from gatepost.errors import ConfigError, StoreError
from gatepost.evidence.chain import (
    Problem,
    VerifyResult,
    generate_key,
    make_checkpoint,
    sign_checkpoint,
    verify,
)
from gatepost.evidence.event import (
    GENESIS_HASH,
    Event,
    canonical_dict,
    canonical_json,
    chain_document,
    chain_hash,
    chain_parts,
    content_sha256,
    has_content,
    strip_content,
)
from gatepost.evidence.raw import RawKey, load_key, read_raw, store_raw
from gatepost.evidence.retention import (
    Hold,
    RetentionPolicy,
    apply_retention,
    load_policy,
    parse_policy,
)
from gatepost.store.base import EventQuery, EventStore, Holds, Prefix, Removal, open_store
from gatepost.store.postgres import POSTGRES_MIGRATIONS
from gatepost.store.sqlite import SQLITE_MIGRATIONS
from tests.store.backends import Backend
from tests.store.factories import BASE_TIME, make_event, rfc3339

KEY = generate_key()
DAY = timedelta(days=1)
NOW = BASE_TIME + 30 * DAY  # the controlled clock: day 30


def day(n: float) -> str:
    return rfc3339(BASE_TIME + n * DAY)


# Ten events, event n on day n: alice's sessions s-a (even n) and s-b (odd n), but event 3 is
# bob's and event 6 is in a session of its own, s-c.
EVENTS = [
    make_event(
        n,
        time=day(n),
        user="bob@acme.com" if n == 3 else "alice@acme.com",
        session="s-c" if n == 6 else ("s-a" if n % 2 == 0 else "s-b"),
        text=f"git log -{n}",
        rule="baseline/curl-pipe-sh" if n == 4 else "",
        verdict=Verdict.BLOCK if n == 4 else Verdict.PASS,
    )
    for n in range(10)
]


@pytest.fixture
def key(tmp_path: Path) -> RawKey:
    return load_key(tmp_path / "raw.key", create=True)


@pytest.fixture
def loaded(store: EventStore, key: RawKey) -> EventStore:
    """The ten events, each with its raw payload kept the moment it happened."""
    store.append(EVENTS)
    for n, event in enumerate(EVENTS):
        store_raw(store, event.id, f"payload {n}".encode(), key, now=BASE_TIME + n * DAY)
    return store


def chain(store: EventStore) -> list[Event]:
    return list(store.iter_chain())


def snapshot(backend: Backend, store: EventStore) -> tuple[Any, ...]:
    raw = backend.rows("SELECT event_id, created_at, nonce, ciphertext FROM raw_evidence")
    return chain(store), store.checkpoints(), sorted(raw)


def ok(store: EventStore, checked: int) -> None:
    assert verify(store, key=KEY.public_key()) == VerifyResult(True, checked, None)


# ---------------------------------------------------------------------------- the chain document


def test_the_chain_holds_metadata_in_clear_and_content_by_digest() -> None:
    event = EVENTS[4]
    document = json.loads(chain_document(event))
    metadata = canonical_dict(event)
    del metadata["action"]["raw"]
    metadata["action"]["operation"] = {"kind": "command"}
    del metadata["action"]["actor"]["user"]["os_account"]
    del metadata["action"]["actor"]["repository"]["root"]
    for match in [metadata["decision"]["winner"], *metadata["decision"]["matches"]]:
        del match["explanation"]
    del metadata["decision"]["explanation"], metadata["decision"]["error"]
    assert document == {"content": content_sha256(event), "event": metadata}


def test_a_stripped_event_keeps_its_chain_hash_and_only_its_metadata() -> None:
    event = EVENTS[4]
    stripped = strip_content(event)
    assert has_content(event) and not has_content(stripped)
    assert stripped.content_digest == content_sha256(event)
    assert chain_hash("ab" * 32, stripped) == chain_hash("ab" * 32, event)
    assert stripped.action.operation == Operation(kind=event.action.kind)
    assert stripped.action.raw == {} and stripped.decision.explanation == ""
    assert stripped.decision.winner is not None and stripped.decision.winner.rule_id
    assert stripped.action.actor.user.id == "alice@acme.com"
    assert strip_content(stripped) is stripped
    refilled = dataclasses.replace(stripped, action=dataclasses.replace(event.action, raw={"a": 1}))
    assert chain_hash("ab" * 32, refilled) != chain_hash("ab" * 32, event)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=())),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200)
@given(
    raw=st.dictionaries(st.text(), json_values, max_size=4),
    text=st.text(max_size=30),
    n=st.integers(0, 9),
    error=st.text(max_size=5),
)
def test_any_event_verifies_the_same_stripped(
    raw: dict[str, Any], text: str, n: int, error: str
) -> None:
    event = EVENTS[n]
    event = dataclasses.replace(
        event,
        action=dataclasses.replace(event.action, raw=raw, flags=(text,)),
        decision=dataclasses.replace(event.decision, error=error),
        parent_event_id=text,
    )
    canonical, document = chain_parts(event)
    assert canonical == canonical_json(event)
    assert document == chain_document(strip_content(event))
    assert json.loads(document)["content"] == content_sha256(event)


def test_odd_runtime_types_give_the_same_canonical_json() -> None:
    event = EVENTS[4]
    action = dataclasses.replace(
        event.action,
        flags=["a", Verdict.BLOCK],  # type: ignore[arg-type]
        actor=dataclasses.replace(event.action.actor, session=None),  # type: ignore[arg-type]
    )
    odd = dataclasses.replace(event, action=action, parent_event_id=7)  # type: ignore[arg-type]
    assert chain_parts(odd)[0] == canonical_json(odd)


# ---------------------------------------------------------------------------- raw and content


def test_raw_evidence_goes_after_raw_days(loaded: EventStore, key: RawKey) -> None:
    report = apply_retention(loaded, RetentionPolicy(raw_days=25), now=NOW)
    assert (report.raw, report.content, report.metadata) == (
        Removal(5, 0),  # kept on days 0..4, before day 5
        Removal(0, 0),
        Removal(0, 0),
    )
    assert [loaded.get_raw(e.id) is None for e in EVENTS] == [True] * 5 + [False] * 5
    assert (
        read_raw(
            loaded, EVENTS[5].id, viewer="i", viewer_role="admin", reason="r", key=key, now=NOW
        )
        == b"payload 5"
    )
    assert apply_retention(loaded, RetentionPolicy(raw_days=25), now=NOW).raw == Removal(0, 0)


def test_content_is_stripped_after_content_days(loaded: EventStore) -> None:
    before = chain(loaded)
    report = apply_retention(loaded, RetentionPolicy(content_days=25), now=NOW)
    assert report.content == Removal(5, 0)  # days 0..4; day 5 is 25 days old exactly: kept
    after = chain(loaded)
    assert after[:5] == [strip_content(e) for e in before[:5]]
    assert after[5:10] == before[5:10]
    assert [(e.seq, e.prev_hash, e.hash) for e in after[:10]] == [
        (e.seq, e.prev_hash, e.hash) for e in before
    ]
    assert loaded.query(EventQuery(text="git log -4")) == []  # the search text went too
    assert loaded.query(EventQuery(text="git log -5")) == [before[5]]
    assert loaded.query(EventQuery(rule="baseline/curl-pipe-sh")) == [after[4]]  # metadata
    assert loaded.get_raw(EVENTS[0].id) is not None  # raw_days not set: kept
    ok(loaded, 11)  # ten events and the record of the run
    assert apply_retention(loaded, RetentionPolicy(content_days=25), now=NOW).content == (0, 0)


def test_the_record_of_a_run(loaded: EventStore) -> None:
    policy = RetentionPolicy(raw_days=28, content_days=29, holds=(Hold(session="s-a"),))
    report = apply_retention(loaded, policy, now=NOW, by="ops@acme.com")
    (record,) = loaded.query(EventQuery(agent="gatepost"))
    assert record.seq == 11 and record.time == "2025-03-31T09:00:00.000000Z"
    assert record.action.surface.event == "retention-applied"
    assert record.action.actor.user.id == "ops@acme.com"
    assert record.action.raw == {
        **report.as_dict(),
        "policy": {"raw_days": 28, "content_days": 29, "metadata_days": None},
        "holds": [{"session": "s-a", "user": "", "reason": ""}],
    }
    assert record.action.raw["raw"] == {"removed": 1, "held": 1}  # day 1; day 0 held
    assert record.action.raw["content"] == {"removed": 0, "held": 1}  # day 0 only, held
    # gatepost's own events keep their content (it is no agent's) until metadata retention
    again = apply_retention(loaded, RetentionPolicy(content_days=0), now=NOW + DAY)
    assert again.content == Removal(10, 0)
    assert loaded.get(record.id) == record


def test_holds_protect_a_session_and_a_user(loaded: EventStore) -> None:
    policy = RetentionPolicy(
        raw_days=0,
        content_days=0,
        holds=(Hold(session="s-a", reason="incident"), Hold(user="bob@acme.com")),
    )
    report = apply_retention(loaded, policy, now=NOW)
    held = {0, 2, 4, 8, 3}  # session s-a (even days but 6, in s-c) and bob's event 3
    assert report.raw == Removal(10 - len(held), len(held))
    assert report.content == Removal(10 - len(held), len(held))
    for n, event in enumerate(EVENTS):
        stored = loaded.get(event.id)
        assert stored is not None
        assert has_content(stored) == (n in held), n
        assert (loaded.get_raw(event.id) is not None) == (n in held), n
    ok(loaded, 11)


def test_an_event_stripped_elsewhere_is_stored_as_it_is(store: EventStore) -> None:
    stripped = strip_content(EVENTS[4])
    forged = dataclasses.replace(EVENTS[5], content_digest="ab" * 32)  # content still there
    assert store.append([stripped, forged]) == 2
    assert store.get(stripped.id) == dataclasses.replace(
        stripped, seq=1, prev_hash=GENESIS_HASH, hash=chain_hash(GENESIS_HASH, EVENTS[4])
    )
    kept = store.get(forged.id)
    assert kept is not None and kept.content_digest == "" and has_content(kept)
    assert verify(store, key=None) == VerifyResult(True, 2, None)


# ---------------------------------------------------------------------------- metadata


def test_old_events_go_as_a_prefix_down_to_a_signed_checkpoint(
    backend: Backend, loaded: EventStore
) -> None:
    before = chain(loaded)
    policy = RetentionPolicy(metadata_days=22, holds=(Hold(session="s-c"),))
    report = apply_retention(loaded, policy, now=NOW, signing_key=KEY)
    # days 0..7 are older than 22 days; event 6 is held: events 0..5 (seq 1..6) go, and event
    # 7 waits behind the held one
    assert report.metadata == Removal(6, 1)
    assert report.waiting == 1
    assert report.chain_start == 7
    assert report.checkpoint is not None
    assert (report.checkpoint.seq, report.checkpoint.hash) == (6, before[5].hash)
    assert chain(loaded)[:4] == before[6:]
    assert [loaded.get(e.id) for e in EVENTS[:6]] == [None] * 6
    assert [loaded.get_raw(e.id) is None for e in EVENTS] == [True] * 6 + [False] * 4
    ok(loaded, 5)  # the four events left and the record of the run
    assert verify(loaded, key=None) == VerifyResult(True, 5, None)
    # once the hold is lifted, the rest follows, up to this run's record (of day 30)
    later = apply_retention(loaded, RetentionPolicy(metadata_days=0), now=NOW, signing_key=KEY)
    assert later.metadata == Removal(4, 0)
    assert [e.seq for e in chain(loaded)] == [11, 12]  # the two runs' records
    ok(loaded, 2)


def test_without_a_key_events_go_down_to_an_existing_checkpoint(loaded: EventStore) -> None:
    policy = RetentionPolicy(metadata_days=20)  # days 0..9: all ten are old
    nothing = apply_retention(loaded, policy, now=NOW)
    assert (nothing.metadata, nothing.waiting, nothing.chain_start) == (Removal(0, 0), 10, 1)
    assert loaded.head()[0] == 10  # no checkpoint to start from: nothing went, nothing recorded
    make_checkpoint(loaded, KEY, now=NOW)  # at seq 10, the head: beyond what may go
    loaded.append([make_event(20, time=day(29.5), session="s-d")])
    assert apply_retention(loaded, policy, now=NOW).metadata == Removal(10, 0)
    assert [e.seq for e in chain(loaded)] == [11, 12]
    ok(loaded, 2)


def test_a_dry_run_changes_nothing(backend: Backend, loaded: EventStore) -> None:
    policy = RetentionPolicy(
        raw_days=27, content_days=26, metadata_days=25, holds=(Hold(user="bob@acme.com"),)
    )
    before = snapshot(backend, loaded)
    dry = apply_retention(loaded, policy, now=NOW, dry_run=True, signing_key=KEY)
    assert snapshot(backend, loaded) == before
    assert dry.dry_run and dry.checkpoint is None
    assert (dry.raw, dry.content, dry.metadata, dry.waiting, dry.chain_start) == (
        Removal(3, 0),  # days 0..2
        Removal(3, 1),  # days 0..3, but bob's
        Removal(3, 1),  # days 0..4 are old; bob's event 3 is held, so 0..2 go
        1,  # event 4 waits behind bob's
        4,
    )
    real = apply_retention(loaded, policy, now=NOW, signing_key=KEY)
    assert (real.raw, real.content, real.metadata, real.waiting, real.chain_start) == (
        dry.raw,
        dry.content,
        dry.metadata,
        dry.waiting,
        dry.chain_start,
    )
    ok(loaded, 8)


def test_the_prefix_and_prune_at_store_level(loaded: EventStore) -> None:
    holds = Holds(users=("bob@acme.com",))
    assert loaded.chain_prefix(day(5), holds) == Prefix(first=1, last=3, expired=5, held=1)
    assert loaded.chain_prefix(day(5), Holds()) == Prefix(1, 5, 5, 0)
    assert loaded.chain_prefix(day(99), Holds()) == Prefix(1, 9, 10, 0)  # never the head
    assert loaded.chain_prefix(day(0), Holds()) == Prefix(1, 0, 0, 0)
    with pytest.raises(StoreError, match="no checkpoint there with that event's hash"):
        loaded.prune(3)
    loaded.add_checkpoint(sign_checkpoint(3, "ab" * 32, day(3), KEY))
    with pytest.raises(StoreError, match="no checkpoint there with that event's hash"):
        loaded.prune(3)
    with pytest.raises(StoreError, match=r"the last event \(seq 10\) always stays"):
        loaded.prune(10, dry_run=True)
    assert loaded.prune(3, dry_run=True) == 3
    assert loaded.prune(0) == 0
    assert loaded.head()[0] == 10


def test_an_empty_store(store: EventStore) -> None:
    policy = RetentionPolicy(raw_days=0, content_days=0, metadata_days=0)
    report = apply_retention(store, policy, now=NOW, signing_key=KEY)
    assert (report.raw, report.content, report.metadata, report.chain_start) == (
        (0, 0),
        (0, 0),
        (0, 0),
        0,
    )
    assert store.chain_prefix(day(1), Holds()) == Prefix(0, -1, 0, 0)
    assert store.head()[0] == 0


# ---------------------------------------------------------------------------- verify after


def test_verify_still_finds_tampering_after_retention(backend: Backend, loaded: EventStore) -> None:
    policy = RetentionPolicy(content_days=25, metadata_days=27)
    apply_retention(loaded, policy, now=NOW, signing_key=KEY)  # seq 1..3 go, 4, 5 stripped
    ok(loaded, 8)
    # content put back into a stripped event: it is not the content the chain holds
    if backend.name == "sqlite":
        backend.sql(
            "UPDATE events SET doc = json_set(doc, '$.action.operation.content', 'made up') "
            "WHERE seq = 4"
        )
    else:
        backend.sql(
            "UPDATE events SET doc = jsonb_set(doc, '{action,operation,content}', "
            "'\"made up\"') WHERE seq = 4"
        )
    problem = verify(loaded, key=KEY.public_key()).problem
    assert problem is not None and (problem.kind, problem.seq) == ("altered", 4)


def test_verify_of_a_pruned_chain(backend: Backend, loaded: EventStore) -> None:
    apply_retention(loaded, RetentionPolicy(metadata_days=27), now=NOW, signing_key=KEY)
    start = loaded.checkpoints()[0]
    assert start.seq == 3
    # from an explicit start (a wrong one fails), and with the wrong key
    assert verify(loaded, key=KEY.public_key(), start=start) == VerifyResult(True, 8, None)
    wrong = verify(loaded, key=None, start=dataclasses.replace(start, seq=5))
    assert wrong.problem is not None and wrong.problem.seq == 6
    other = generate_key().public_key()
    assert verify(loaded, key=other) == VerifyResult(
        False,
        0,
        Problem(
            "bad_checkpoint",
            3,
            "",
            f"checkpoint at seq 3 ({start.time}), where the chain starts: signature not valid "
            "for this key",
        ),
    )
    # a start at the head: nothing after it to check, but it must still be the head
    head = make_checkpoint(loaded, KEY, now=NOW)
    assert verify(loaded, key=None, start=head) == VerifyResult(True, 0, None)
    moved = verify(loaded, key=None, start=dataclasses.replace(head, seq=head.seq + 1))
    assert moved.problem is not None and moved.problem.kind == "truncated"
    changed = verify(loaded, key=None, start=dataclasses.replace(head, hash="ab" * 32))
    assert changed.problem is not None
    assert "the chain no longer has it" in changed.problem.message
    # one more event removed from the front, without retention's checkpoint: deleted
    backend.sql("DELETE FROM events WHERE seq = 4")
    problem = verify(loaded, key=KEY.public_key()).problem
    assert problem is not None and (problem.kind, problem.seq) == ("deleted", 5)


def test_content_altered_before_stripping_stays_altered(
    backend: Backend, loaded: EventStore
) -> None:
    backend.sql(
        "UPDATE events SET doc = replace(doc, 'git log -2', 'git log -X') WHERE seq = 3"
        if backend.name == "sqlite"
        else "UPDATE events SET doc = replace(doc::text, 'git log -2', 'git log -X')::jsonb "
        "WHERE seq = 3"
    )
    apply_retention(loaded, RetentionPolicy(content_days=0), now=NOW)
    problem = verify(loaded, key=None).problem
    assert problem is not None and (problem.kind, problem.seq) == ("altered", 3)


# ---------------------------------------------------------------------------- the policy file


def test_the_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "retention.yaml"
    assert load_policy(path) == RetentionPolicy()  # no file: everything is kept
    path.write_text(
        "raw_days: 30\ncontent_days: 90\nmetadata_days: 730\nholds:\n"
        "  - session: claude-code:7f9c\n    reason: incident 114\n  - user: alice@acme.com\n"
    )
    policy = load_policy(path)
    assert policy == RetentionPolicy(
        30,
        90,
        730,
        (Hold(session="claude-code:7f9c", reason="incident 114"), Hold(user="alice@acme.com")),
    )
    assert policy.held == Holds(sessions=("claude-code:7f9c",), users=("alice@acme.com",))
    path.write_text("")
    assert load_policy(path) == RetentionPolicy()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "must be a mapping"),
        ({"raw": 3}, "unknown setting.s. raw"),
        ({"raw_days": "30"}, "raw_days must be a whole number of days, got '30'"),
        ({"content_days": True}, "content_days must be a whole number of days"),
        ({"content_days": 1.5}, "content_days must be a whole number of days"),
        ({"metadata_days": -1}, "metadata_days must not be negative, got -1"),
        ({"holds": {"user": "a"}}, "holds must be a list"),
        ({"holds": ["alice"]}, r"holds\[0\]: must be a mapping with session or user"),
        ({"holds": [{"reason": "x"}]}, r"holds\[0\]: give either a session or a user"),
        ({"holds": [{"user": "a", "session": "s"}]}, "give either a session or a user"),
        ({"holds": [{"user": 7}]}, "user must be text, got 7"),
        ({"holds": [{"user": "a", "until": "2026"}]}, r"unknown key.s. until"),
    ],
)
def test_a_bad_policy_is_a_config_error(data: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_policy(data, where="retention.yaml")


def test_a_policy_file_that_is_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "retention.yaml"
    path.write_text("raw_days: [30\n")
    with pytest.raises(ConfigError, match=r"retention\.yaml: "):
        load_policy(path)


def test_naive_now_is_utc(loaded: EventStore) -> None:
    naive = datetime(2025, 3, 31, 9, 0)
    report = apply_retention(loaded, RetentionPolicy(raw_days=25), now=naive, dry_run=True)
    assert report.now == "2025-03-31T09:00:00.000000Z" and report.raw == Removal(5, 0)


# ---------------------------------------------------------------------------- the schema


def test_a_store_made_before_raw_evidence_and_retention_is_upgraded(
    backend: Backend, key: RawKey
) -> None:
    if backend.name == "sqlite":
        first = SQLITE_MIGRATIONS[0]
        backend.sql(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TEXT NOT NULL)"
        )
        backend.sql(
            "INSERT INTO schema_migrations VALUES (1, ?, '2025-01-01T00:00:00Z')", (first.name,)
        )
    else:
        first = POSTGRES_MIGRATIONS[0]
        backend.sql(
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())"
        )
        backend.sql("INSERT INTO schema_migrations (version, name) VALUES (1, ?)", (first.name,))
    for statement in first.statements:
        backend.sql(statement)
    with open_store(backend.url) as store:
        assert backend.rows("SELECT version FROM schema_migrations ORDER BY version") == [
            (1,),
            (2,),
            (3,),
        ]
        store.append(EVENTS)
        assert store_raw(store, EVENTS[0].id, b"payload", key, now=NOW)
        assert apply_retention(store, RetentionPolicy(content_days=25), now=NOW).content == (5, 0)
        ok(store, 11)
