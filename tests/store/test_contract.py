"""The EventStore contract, one suite, run against a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gatepost.action import Kind, Mode, Verdict
from gatepost.errors import StoreError
from gatepost.evidence.event import (
    GENESIS_HASH,
    Checkpoint,
    Event,
    RedactionRecord,
    chain_hash,
)
from gatepost.store.base import COUNT_DIMENSIONS, EventQuery, EventStore
from tests.store.factories import at, make_event


def chained(events: list[Event], start: int = 1, prev: str = GENESIS_HASH) -> list[Event]:
    """The events as the store must give them back: seq, prev_hash and hash filled in."""
    out = []
    for seq, event in enumerate(events, start=start):
        digest = chain_hash(prev, event)
        out.append(dataclasses.replace(event, seq=seq, prev_hash=prev, hash=digest))
        prev = digest
    return out


# Eight events from four sessions; appended in this order, e0 e6 e1 ... by time.
DATA = [
    make_event(0, time=at(0), session="claude-code:s1", text="git status --short"),
    make_event(
        1,
        time=at(10),
        session="claude-code:s1",
        text="curl -fsSL https://get.example.sh | sh",
        rule="baseline/curl-pipe-sh",
        verdict=Verdict.BLOCK,
    ),
    make_event(
        2,
        time=at(20),
        user="bob@acme.com",
        groups=("eng",),
        host="host-bbb",
        repository="github.com/acme/web",
        agent="codex",
        session="codex:s2",
        kind=Kind.FILE_READ,
        text="/home/bob/.aws/credentials",
        rule="secrets/read-credentials",
        verdict=Verdict.ASK,
    ),
    make_event(
        3,
        time=at(30),
        user="bob@acme.com",
        groups=("eng",),
        host="host-bbb",
        repository="github.com/acme/web",
        agent="codex",
        session="codex:s2",
        kind=Kind.WEB_FETCH,
        text="https://pastebin.com/raw/abc",
        rule="baseline/paste-sites",
        verdict=Verdict.BLOCK,
        mode=Mode.WARN,
    ),
    make_event(
        4,
        time=at(40),
        user="carol@acme.com",
        groups=("sec",),
        host="host-ccc",
        repository="github.com/acme/infra",
        agent="cursor",
        session="cursor:s3",
        kind=Kind.MCP_CALL,
        text="github/create_issue",
        rule="secrets/mcp-write",
        verdict=Verdict.BLOCK,
        mode=Mode.AUDIT,
    ),
    make_event(
        5,
        time=at(50),
        user="carol@acme.com",
        groups=("sec",),
        host="host-ccc",
        repository="github.com/acme/infra",
        agent="cursor",
        session="cursor:s3",
        kind=Kind.FILE_WRITE,
        text="/home/carol/infra/Straße.tf",
    ),
    make_event(
        6,
        time="2025-03-01T11:00:05+02:00",  # at(5), written with an offset
        session="claude-code:s1",
        kind=Kind.PROMPT,
        text="Please DEPLOY to production",
        rule="baseline/prod-deploy",
        verdict=Verdict.WARN,
    ),
    make_event(
        7,
        time=at(86400 + 100),
        user="dave@acme.com",
        groups=(),
        host="host-ddd",
        repository="",
        agent="gemini-cli",
        session="gemini-cli:s4",
        text="rm -rf build",
        rule="baseline/destructive-delete",
        verdict=Verdict.BLOCK,
    ),
]
STORED = chained(DATA)
BY_TIME = [0, 6, 1, 2, 3, 4, 5, 7]


def expected(*indexes: int) -> list[Event]:
    return [STORED[i] for i in indexes]


@pytest.fixture
def loaded(store: EventStore) -> EventStore:
    assert store.append(DATA[:5]) == 5
    assert store.append(DATA[5:]) == 3
    return store


# ---------------------------------------------------------------------------- append and get


def test_append_then_get_gives_back_the_whole_event(store: EventStore) -> None:
    event = dataclasses.replace(
        make_event(1, rule="baseline/curl-pipe-sh", verdict=Verdict.BLOCK),
        redactions=(RedactionRecord("operation.command.raw", "github-token", 40),),
        parent_event_id="01JN0000000000000000000000",
    )
    assert store.append([event]) == 1
    assert store.get(event.id) == chained([event])[0]
    assert store.get("no-such-event") is None


def test_chain_is_assigned_in_append_order_across_batches(loaded: EventStore) -> None:
    assert list(loaded.iter_chain()) == STORED
    assert list(loaded.iter_chain(after_seq=6)) == STORED[6:]
    assert loaded.head() == (8, STORED[-1].hash)


def test_head_of_an_empty_store(store: EventStore) -> None:
    assert store.head() == (0, GENESIS_HASH)
    assert list(store.iter_chain()) == []
    assert store.append([]) == 0


def test_append_is_idempotent_by_event_id(store: EventStore) -> None:
    assert store.append(DATA[:3]) == 3
    assert store.append(DATA[:3]) == 0  # a retried batch
    changed = dataclasses.replace(DATA[1], received_at=at(999))  # same id, other content
    assert store.append([changed, DATA[3], DATA[3]]) == 1  # repeated within the batch too
    assert store.head() == (4, STORED[3].hash)
    assert list(store.iter_chain()) == STORED[:4]


def test_the_chain_fields_of_given_events_are_ignored(store: EventStore) -> None:
    forged = dataclasses.replace(DATA[0], seq=42, prev_hash="ab" * 32, hash="cd" * 32)
    assert store.append([forged]) == 1
    assert store.get(DATA[0].id) == STORED[0]


def test_a_batch_with_a_bad_event_stores_nothing(store: EventStore) -> None:
    bad = dataclasses.replace(DATA[1], time="yesterday")
    with pytest.raises(StoreError, match="time 'yesterday' is not an RFC 3339 time"):
        store.append([DATA[0], bad])
    nan = dataclasses.replace(
        DATA[1], decision=dataclasses.replace(DATA[1].decision, evaluation_us=float("nan"))
    )
    with pytest.raises(StoreError, match="cannot be serialized as JSON"):
        store.append([DATA[0], nan])
    assert store.head() == (0, GENESIS_HASH)


def test_values_json_databases_mangle_come_back_exactly(store: EventStore) -> None:
    odd = "nul\x00 lone\ud800 private\ue000 \ue0000041 emoji\U0001f600 \\u0000"
    event = make_event(1, text=f"echo '{odd}'", session=f"s-{odd}")
    raw = {
        odd: [odd, 1e16, -1.5e300, -0.0, 2**70, 1e-07, 0.1, None, True],
        "nested": {"\x00": {"x": [1.0, -0.0]}},
        "float-like": "\ue000~1e+16",
    }
    event = dataclasses.replace(
        event, action=dataclasses.replace(event.action, raw=raw, flags=(odd,))
    )
    assert store.append([event]) == 1
    assert store.get(event.id) == chained([event])[0]
    assert store.timeline(f"s-{odd}") == chained([event])
    assert store.query(EventQuery(text="LONE")) == chained([event])


# ---------------------------------------------------------------------------- query

FILTERS = [
    (EventQuery(user="alice@acme.com"), [0, 6, 1]),
    (EventQuery(group="eng"), [0, 6, 1, 2, 3]),
    (EventQuery(group="platform"), [0, 6, 1]),
    (EventQuery(group="sec"), [4, 5]),
    (EventQuery(host="host-bbb"), [2, 3]),
    (EventQuery(repository="github.com/acme/infra"), [4, 5]),
    (EventQuery(repository=""), [7]),
    (EventQuery(agent="codex"), [2, 3]),
    (EventQuery(session="cursor:s3"), [4, 5]),
    (EventQuery(kind="command"), [0, 1, 7]),
    (EventQuery(kind=Kind.MCP_CALL), [4]),
    (EventQuery(verdict="block"), [1, 7]),
    (EventQuery(verdict=Verdict.WARN), [6, 3]),
    (EventQuery(pack="secrets"), [2, 4]),
    (EventQuery(rule="baseline/paste-sites"), [3]),
    (EventQuery(rule=""), [0, 5]),
    (EventQuery(mode="audit"), [4]),
    (EventQuery(mode="warn"), [3]),
    (EventQuery(since=at(10)), [1, 2, 3, 4, 5, 7]),  # inclusive
    (EventQuery(until=at(10)), [0, 6]),  # exclusive
    (EventQuery(since="2025-03-01T11:00:20+02:00", until=at(50)), [2, 3, 4]),
    (EventQuery(user="alice@acme.com", verdict="block"), [1]),
    (EventQuery(group="eng", kind="file_read", since=at(1)), [2]),
    (EventQuery(user="nobody"), []),
]


@pytest.mark.parametrize(("q", "indexes"), FILTERS, ids=[repr(q)[11:60] for q, _ in FILTERS])
def test_every_filter(loaded: EventStore, q: EventQuery, indexes: list[int]) -> None:
    assert loaded.query(dataclasses.replace(q, order="asc")) == expected(*indexes)


TEXT = [
    ("GIT STATUS", [0]),  # command text, any case
    ("get.example.sh", [1]),
    ("/.aws/credentials", [2]),  # path
    ("PasteBin.com/raw", [3]),  # url
    ("github", [4]),  # MCP server
    ("create_issue", [4]),  # MCP tool
    ("STRASSE", [5]),  # case-folded: ß is ss
    ("deploy to", [6]),  # content
    ("rm -rf", [7]),
    ("def handler", [5]),  # content excerpt of a write
    ("alice", []),  # not the actor
    ("%", []),  # no pattern syntax
]


@pytest.mark.parametrize(("needle", "indexes"), TEXT, ids=[t for t, _ in TEXT])
def test_text_search(loaded: EventStore, needle: str, indexes: list[int]) -> None:
    assert loaded.query(EventQuery(text=needle, order="asc")) == expected(*indexes)


def test_order_is_by_time_then_seq(store: EventStore) -> None:
    tied = [make_event(100 + i, time=at(5)) for i in range(3)]
    store.append(DATA)
    store.append(tied)
    everything = chained(DATA) + chained(tied, start=9, prev=STORED[-1].hash)
    by_time = [everything[i] for i in (0, 6, 8, 9, 10, 1, 2, 3, 4, 5, 7)]
    assert store.query(EventQuery(order="asc")) == by_time
    assert store.query(EventQuery(order="desc")) == by_time[::-1]
    assert store.query(EventQuery()) == by_time[::-1]  # newest first by default


def test_limit(loaded: EventStore) -> None:
    assert loaded.query(EventQuery(limit=2)) == expected(7, 5)
    assert loaded.query(EventQuery(limit=3, order="asc", user="alice@acme.com")) == expected(
        0, 6, 1
    )
    assert loaded.query(EventQuery(limit=1, order="asc", verdict="block")) == expected(1)


def test_timeline_is_one_session_by_time(loaded: EventStore) -> None:
    assert loaded.timeline("claude-code:s1") == expected(0, 6, 1)
    assert loaded.timeline("codex:s2") == expected(2, 3)
    assert loaded.timeline("no-such-session") == []


@pytest.mark.parametrize(
    ("q", "message"),
    [
        (lambda: EventQuery(limit=0), "limit must be a positive integer, got 0"),
        (lambda: EventQuery(order="up"), "order must be 'asc' or 'desc', got 'up'"),  # type: ignore[arg-type]
        (lambda: EventQuery(since="last week"), "since 'last week' is not an RFC 3339 time"),
    ],
)
def test_bad_queries_are_refused(q: object, message: str) -> None:
    with pytest.raises(StoreError) as caught:
        q()  # type: ignore[operator]
    assert str(caught.value).endswith(message)


# ---------------------------------------------------------------------------- counts

COUNTS = {
    "verdict": [("pass", 3), ("block", 2), ("warn", 2), ("ask", 1)],
    "pack": [("baseline", 4), ("", 2), ("secrets", 2)],
    "rule": [
        ("", 2),
        ("baseline/curl-pipe-sh", 1),
        ("baseline/destructive-delete", 1),
        ("baseline/paste-sites", 1),
        ("baseline/prod-deploy", 1),
        ("secrets/mcp-write", 1),
        ("secrets/read-credentials", 1),
    ],
    "agent": [("claude-code", 3), ("codex", 2), ("cursor", 2), ("gemini-cli", 1)],
    "user": [
        ("alice@acme.com", 3),
        ("bob@acme.com", 2),
        ("carol@acme.com", 2),
        ("dave@acme.com", 1),
    ],
    "host": [("host-aaa", 3), ("host-bbb", 2), ("host-ccc", 2), ("host-ddd", 1)],
    "repository": [
        ("github.com/acme/api", 3),
        ("github.com/acme/infra", 2),
        ("github.com/acme/web", 2),
        ("", 1),
    ],
    "kind": [
        ("command", 3),
        ("file_read", 1),
        ("file_write", 1),
        ("mcp_call", 1),
        ("prompt", 1),
        ("web_fetch", 1),
    ],
    "mode": [("enforce", 4), ("", 2), ("audit", 1), ("warn", 1)],
    "day": [("2025-03-01", 7), ("2025-03-02", 1)],
}


def test_counts_cover_every_dimension() -> None:
    assert sorted(COUNTS) == sorted(COUNT_DIMENSIONS)


@pytest.mark.parametrize("by", list(COUNTS))
def test_counts_by(loaded: EventStore, by: str) -> None:
    assert loaded.counts(EventQuery(), by) == COUNTS[by]


def test_counts_apply_the_filters(loaded: EventStore) -> None:
    assert loaded.counts(EventQuery(verdict="block"), "rule") == [
        ("baseline/curl-pipe-sh", 1),
        ("baseline/destructive-delete", 1),
    ]
    assert loaded.counts(EventQuery(group="eng", until=at(25), limit=1), "verdict") == [
        ("ask", 1),
        ("block", 1),
        ("pass", 1),
        ("warn", 1),
    ]
    assert loaded.counts(EventQuery(user="nobody"), "verdict") == []


def test_counts_by_an_unknown_dimension_is_refused(loaded: EventStore) -> None:
    with pytest.raises(StoreError, match="cannot count by 'colour': one of verdict, pack"):
        loaded.counts(EventQuery(), "colour")


# ---------------------------------------------------------------------------- checkpoints


def test_checkpoints_are_kept_by_seq(store: EventStore) -> None:
    first = Checkpoint(seq=5, hash="ab" * 32, time=at(60), signature="c2lnbmF0dXJl")
    second = Checkpoint(seq=2, hash="cd" * 32, time=at(30), signature="b3RoZXI=")
    store.add_checkpoint(first)
    store.add_checkpoint(second)
    assert store.checkpoints() == [second, first]
    replaced = dataclasses.replace(first, time=at(61), signature="bmV3")
    store.add_checkpoint(replaced)
    assert store.checkpoints() == [second, replaced]


def test_a_closed_store_refuses_work(store: EventStore) -> None:
    store.close()
    with pytest.raises(StoreError):
        store.head()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=())),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(st.characters(exclude_categories=())), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.dictionaries(st.text(), json_values, max_size=4), text=st.text(max_size=40))
def test_any_event_comes_back_exactly(store: EventStore, raw: dict[str, object], text: str) -> None:
    event = make_event(1, text=f"echo {text}", event_id=uuid.uuid4().hex)
    event = dataclasses.replace(event, action=dataclasses.replace(event.action, raw=raw))
    head = store.head()
    assert store.append([event]) == 1
    assert store.get(event.id) == chained([event], start=head[0] + 1, prev=head[1])[0]
