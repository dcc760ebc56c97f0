"""The hook boundary: one native payload in, one native reply out, never a crash or a hang.

Everything that can go wrong — a malformed, oversized, truncated or unknown payload, a broken
policy, an internal error, the deadline passing — becomes a well-formed native reply in the
configured fail mode, and the failure is recorded like any other decision. This is the one
place where ``except Exception`` is allowed (DESIGN §7).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from types import FrameType

from gatepost.action import Action, Decision, Mode, Surface, Verdict
from gatepost.adapters.base import Reply
from gatepost.adapters.registry import adapter_for
from gatepost.config import Config
from gatepost.errors import GatepostError
from gatepost.ids import new_id
from gatepost.policy.compile import CompiledPolicy

TYPE_CHECKING = False  # not typing's: a cold hook does not import typing
if TYPE_CHECKING:
    import signal as _signal
    from typing import Any
else:  # the C module behind ``signal``: the same functions without its enum classes (~1 ms)
    import _signal

MAX_PAYLOAD = 4 * 1024 * 1024  # bytes; larger payloads are refused in the fail mode


class DeadlineExceeded(GatepostError):
    """The hook ran past its internal deadline."""


@dataclass(frozen=True, slots=True)
class HookResult:
    """What one hook call produced: the native reply, the action, the decision."""

    reply: Reply
    action: Action
    decision: Decision


def fail_mode(config: Config, policy: CompiledPolicy | None, action: Action | None) -> str:
    """closed where an enforce-mode assignment applies (unless its pack says open), else open;
    the configuration's ``fail_mode`` overrides both."""
    if config.fail_mode:
        return config.fail_mode
    if policy is None:
        return "closed"  # no policy could be loaded at all: protection must not silently vanish
    from gatepost.policy.engine import scope_covers

    for a in policy.assignments:
        if action is not None and not scope_covers(a.scope, action.actor, action.surface.agent):
            continue
        pack_mode = policy.packs[a.pack].fail_mode
        if pack_mode == "closed" or (a.mode == Mode.ENFORCE and pack_mode != "open"):
            return "closed"
    return "open"


def _failure_action(agent: str, payload: Any, text: str) -> Action:
    raw: dict[str, Any] = payload if isinstance(payload, dict) else {"unparsed": text[:65536]}
    event = ""
    if isinstance(payload, dict):
        for key in ("hook_event_name", "hookEventName", "agent_action_name"):
            value = payload.get(key)
            if isinstance(value, str):
                event = value
                break
    return Action(id=new_id(), surface=Surface(agent=agent, event=event), raw=raw)


def _failure_decision(mode: str, error: str, revision: str) -> Decision:
    verdict = Verdict.BLOCK if mode == "closed" else Verdict.PASS
    why = f"gatepost could not decide ({error}); failing {mode}" + (
        ": the action is blocked until gatepost works again" if mode == "closed" else ""
    )
    return Decision(
        verdict=verdict, explanation=why, policy_revision=revision, fail_mode=mode, error=error
    )


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise DeadlineExceeded("deadline passed")


def handle(
    agent: str,
    data: bytes,
    config: Config,
    policy: CompiledPolicy | None,
    policy_error: str = "",
    *,
    deadline_ms: int | None = None,
    now: str = "",
) -> HookResult:
    """Decide one payload. Never raises: every failure is a fail-mode reply."""
    from gatepost.pipeline import now_rfc3339, run_one

    adapter = adapter_for(agent)
    name = adapter.NAME
    payload: Any = None
    text = ""
    use_alarm = deadline_ms is not None and hasattr(_signal, "setitimer")
    if use_alarm:
        previous = _signal.signal(_signal.SIGALRM, _alarm)
        _signal.setitimer(_signal.ITIMER_REAL, (deadline_ms or 0) / 1000)
    try:
        try:
            if len(data) > MAX_PAYLOAD:
                text = data[:65536].decode("utf-8", errors="replace")  # a prefix, for evidence
                raise GatepostError(f"payload of {len(data)} bytes exceeds {MAX_PAYLOAD}")
            text = data.decode("utf-8", errors="replace")
            from gatepost.runtime.payload import read_payload

            try:
                payload = read_payload(text)  # poison values normalized and noted
            except json.JSONDecodeError as exc:
                raise GatepostError(f"payload is not valid JSON: {exc.msg} at {exc.pos}") from None
            if not isinstance(payload, dict):
                raise GatepostError("payload is not a JSON object")
            if policy is None:
                raise GatepostError(f"no policy could be loaded: {policy_error}")
            out = run_one(adapter, payload, config, policy)
            return HookResult(reply=out.reply, action=out.action, decision=out.decision)
        except DeadlineExceeded as exc:
            error = f"deadline of {deadline_ms} ms passed: {exc}"
        except GatepostError as exc:
            error = str(exc)
        except Exception as exc:  # the hook boundary: mapped to the fail mode and recorded
            error = f"internal error: {type(exc).__name__}: {exc}"
    finally:
        if use_alarm:
            _signal.setitimer(_signal.ITIMER_REAL, 0)
            _signal.signal(_signal.SIGALRM, previous)
    action = _failure_action(name, payload, text)
    action = replace(action, time=now or now_rfc3339())
    mode = fail_mode(config, policy, None)
    decision = _failure_decision(mode, error, policy.revision if policy else "")
    try:
        reply = adapter.render(decision, None)
    except Exception as exc:  # an adapter that cannot render its own failure reply
        reply = Reply(stderr=f"gatepost: {error}; {exc}\n", exit_code=2 if mode == "closed" else 0)
    return HookResult(reply=reply, action=action, decision=decision)


def write_reply(reply: Reply) -> int:
    if reply.stdout:
        sys.stdout.write(reply.stdout)
        sys.stdout.flush()
    if reply.stderr:
        sys.stderr.write(reply.stderr)
        sys.stderr.flush()
    return reply.exit_code
