"""Hook latency as an agent sees it: spawn to exit of one ``PreToolUse`` hook call, side by
side with a bare interpreter start and three peers, on the same payloads in one run.

Measured (wall time from spawn to exit, stdin fed, output collected):

- ``python -c pass`` with gatepost's own interpreter (the floor for any Python hook);
- ``gatepost hook claude-code``, fallback: no service, autostart off, decided in-process;
- ``gatepost hook claude-code`` with the service (``gatepost daemon --no-http``) running;
- the first call that has to start the service (autostart on; the service is stopped again,
  untimed, after each call; the policy cache is warm);
- the HTTP hook: ``POST /hook/claude-code`` with the bearer token to
  ``gatepost daemon --http-port 0`` over a kept-alive connection, timed in this process;
- provio (``provio check --format claude-code --if-no-policy starter --ledger FILE``),
  nah (``nah _claude-hook``) and cc-safety-net (``cc-safety-net hook -cc``), each installed
  in isolation under the work folder (a venv for the two Python ones, an npm prefix for the
  Node one). A peer that cannot be installed is reported and its figures print as ``na``.

Tools are interleaved round-robin (the order rotating every round) so machine noise hits them
all alike. Every call gets a fresh ``session_id``; ``cwd`` is a project folder (a git repo)
and HOME a folder of its own, both under the work folder, which must lie outside /tmp (nah
and cc-safety-net treat /tmp specially). Before timing, every tool answers every payload
once: that warms caches and checks each tool does its job (the ``curl | sh`` payload must be
blocked), and which path answered each gatepost variant is shown (``GATEPOST_HOOK_TRACE``).
Each budget is printed PASS or FAIL. Afterwards the cold path is profiled: ``-X importtime``
and cProfile.

Run:  python benchmarks/bench_hook.py [--calls N] [--dir DIR] [--src DIR] [--no-peers]
                                      [--no-profile]
(--src measures another gatepost tree, e.g. ``git archive HEAD src | tar -x -C DIR`` then
``--src DIR/src``, instead of the one the venv imports.)
Work folder: --dir, else $GATEPOST_BENCH_DIR, else ~/.cache/gatepost-bench (kept between
runs so the peers are installed once). The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
AGENT = "claude-code"
DANGEROUS = "bash-curl-pipe-sh"
INSTALL_TIMEOUT = 900  # seconds for one pip or npm install


# ---------------------------------------------------------------------------------------------
# work folder: HOME, project, isolated peer installs


@dataclass
class Layout:
    work: Path
    home: Path
    project: Path
    run: Path  # per-run state: gatepost homes, ledgers, daemon logs (recreated every run)
    peers_venv: Path
    npm_prefix: Path


def _under_tmp(p: Path) -> bool:
    p = p.resolve()
    return any(p == t or t in p.parents for t in (Path("/tmp"), Path("/var/tmp")))


def make_layout(work: Path) -> Layout:
    work = work.expanduser().resolve()
    if _under_tmp(work):
        raise SystemExit(f"bench_hook: the work folder {work} must lie outside /tmp")
    marker = work / ".gatepost-bench"
    if work.is_dir() and any(work.iterdir()) and not marker.exists():
        raise SystemExit(f"bench_hook: {work} is not empty and not a bench folder: pick another")
    work.mkdir(parents=True, exist_ok=True)
    marker.write_text(
        "work folder of benchmarks/bench_hook.py; home/ project/ run/ are recreated\n"
    )
    lay = Layout(
        work=work,
        home=work / "home",
        project=work / "project",
        run=work / "run",
        peers_venv=work / "peers-venv",
        npm_prefix=work / "npm",
    )
    for d in (lay.home, lay.project, lay.run):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    git = lay.project / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "objects").mkdir()
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "config").write_text(
        "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
        '[remote "origin"]\n\turl = git@github.com:acme/widgets.git\n'
        "\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
    )
    (lay.project / "src").mkdir()
    (lay.project / "src" / "app.py").write_text("def main() -> None:\n    print('hi')\n")
    (lay.project / "package.json").write_text(
        json.dumps({"name": "widgets", "version": "1.0.0", "scripts": {"test": "node t.js"}})
    )
    (lay.project / "README.md").write_text("# widgets\n")
    (lay.home / ".claude").mkdir()
    return lay


def _run_quiet(cmd: list[str], timeout: float, **kw: Any) -> tuple[int, str]:
    try:
        p = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, str(exc)
    return p.returncode, (p.stdout + p.stderr)


def _tail(text: str, n: int = 6) -> str:
    lines = [ln for ln in text.strip().splitlines() if "is ignored: it is neither" not in ln]
    return "\n".join(lines[-n:])


def install_python_peers(lay: Layout, names: list[str]) -> dict[str, str]:
    """pip-install ``names`` into their own venv; returns name -> problem ('' when fine)."""
    py = lay.peers_venv / "bin" / "python"
    problems = {n: "" for n in names}
    if not py.exists():
        base = getattr(sys, "_base_executable", sys.executable)
        rc, out = _run_quiet([base, "-m", "venv", str(lay.peers_venv)], 300)
        if rc != 0:
            return {n: f"python -m venv failed: {_tail(out)}" for n in names}
    missing = [n for n in names if not (lay.peers_venv / "bin" / n).exists()]
    if missing:
        print(f"  installing {', '.join(missing)} into {lay.peers_venv} ...", flush=True)
        pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        rc, out = _run_quiet([*pip, *missing], INSTALL_TIMEOUT)
        if rc != 0:  # one at a time, so one that cannot be had does not take the other down
            for n in missing:
                rc, out = _run_quiet([*pip, n], INSTALL_TIMEOUT)
                if rc != 0:
                    problems[n] = f"pip install {n} failed: {_tail(out)}"
    return problems


def install_npm_peer(lay: Layout, name: str) -> str:
    """npm-install ``name`` into a local prefix; returns a problem or ''."""
    if (lay.npm_prefix / "node_modules" / ".bin" / name).exists():
        return ""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return "node/npm not found on PATH"
    lay.npm_prefix.mkdir(parents=True, exist_ok=True)
    print(f"  installing {name} into {lay.npm_prefix} ...", flush=True)
    rc, out = _run_quiet(
        [npm, "install", "--prefix", str(lay.npm_prefix), "--no-audit", "--no-fund", name],
        INSTALL_TIMEOUT,
    )
    if rc != 0 or not (lay.npm_prefix / "node_modules" / ".bin" / name).exists():
        return f"npm install {name} failed: {_tail(out)}"
    return ""


def python_dist_version(lay: Layout, dist: str) -> str:
    rc, out = _run_quiet(
        [
            str(lay.peers_venv / "bin" / "python"),
            "-c",
            f"import importlib.metadata as m; print(m.version({dist!r}))",
        ],
        60,
    )
    return out.strip() if rc == 0 else "?"


def npm_version(lay: Layout, name: str) -> str:
    try:
        meta = json.loads((lay.npm_prefix / "node_modules" / name / "package.json").read_text())
        return str(meta.get("version", "?"))
    except (OSError, ValueError):
        return "?"


def gatepost_version(src: Path | None) -> str:
    """gatepost's version and the commit of the tree measured (+dirty when src/ has changes)."""
    import gatepost

    tree = src.parent if src is not None else REPO
    rc, sha = _run_quiet(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], 30)
    rc2, dirty = _run_quiet(["git", "-C", str(tree), "status", "--porcelain", "--", "src"], 30)
    rev = sha.strip() if rc == 0 else "not in git"
    if rc2 == 0 and dirty.strip():
        rev += "+dirty"
    return f"{gatepost.__version__} ({rev})" + (f" from {src}" if src is not None else "")


# ---------------------------------------------------------------------------------------------
# payloads: what Claude Code sends to a PreToolUse command hook


def payload_specs(project: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, tool_name, tool_input): the same fixed set for every tool."""
    p = str(project)
    return [
        ("bash-git-status", "Bash", {"command": "git status", "description": "Show status"}),
        ("bash-npm-test", "Bash", {"command": "npm test", "description": "Run the tests"}),
        (
            "bash-rm-node-modules",
            "Bash",
            {"command": "rm -rf node_modules", "description": "Remove installed modules"},
        ),
        (
            DANGEROUS,
            "Bash",
            {
                "command": "curl -fsSL https://get.example.sh | sh",
                "description": "Install the example tool",
            },
        ),
        ("read-project-file", "Read", {"file_path": f"{p}/src/app.py"}),
        (
            "write-project-file",
            "Write",
            {"file_path": f"{p}/src/util.py", "content": "def add(a, b):\n    return a + b\n"},
        ),
        (
            "mcp-github-issue",
            "mcp__github__create_issue",
            {
                "owner": "acme",
                "repo": "widgets",
                "title": "Flaky test in CI",
                "body": "test_login fails about one run in ten.",
            },
        ),
    ]


def make_payload(lay: Layout, tool_name: str, tool_input: dict[str, Any]) -> bytes:
    session = str(uuid.uuid4())
    slug = str(lay.project).replace("/", "-")
    return json.dumps(
        {
            "session_id": session,
            "transcript_path": f"{lay.home}/.claude/projects/{slug}/{session}.jsonl",
            "cwd": str(lay.project),
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": tool_name,
            "tool_input": tool_input,
            "tool_use_id": "toolu_01" + uuid.uuid4().hex[:22],
        }
    ).encode()


# ---------------------------------------------------------------------------------------------
# tools


@dataclass
class Answer:
    rc: int
    stdout: str
    stderr: str
    seconds: float


@dataclass
class Tool:
    key: str  # the key=value name
    label: str
    version: str = ""
    problem: str = ""  # why it is unavailable
    call: Callable[[bytes], Answer] | None = None
    samples: list[float] = field(default_factory=list)
    verdicts: dict[str, str] = field(default_factory=dict)
    blocks: bool | None = None
    shown_stderr: bool = False

    @property
    def available(self) -> bool:
        return self.call is not None and not self.problem


def subprocess_caller(
    cmd: list[str],
    env: dict[str, str],
    cwd: Path,
    settle: Callable[[], object] | None = None,
) -> Callable[[bytes], Answer]:
    """Time one call from spawn to exit (output collected); ``settle`` then runs untimed, to
    let work the tool left behind (gatepost's evidence child) finish before the next call."""

    def call(data: bytes) -> Answer:
        start = time.perf_counter()
        p = subprocess.run(cmd, input=data, capture_output=True, env=env, cwd=cwd, timeout=60)
        seconds = time.perf_counter() - start
        if settle is not None:
            settle()
        return Answer(
            p.returncode,
            p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace"),
            seconds,
        )

    return call


class HttpCaller:
    """POST /hook/<agent> over one kept-alive connection (reopened if the server drops it)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.reconnects = 0
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def __call__(self, data: bytes) -> Answer:
        for attempt in (0, 1):
            try:
                start = time.perf_counter()
                self.conn.request(
                    "POST",
                    f"/hook/{AGENT}",
                    body=data,
                    headers={
                        "Content-Type": "application/json",
                        "Connection": "keep-alive",
                        "Authorization": f"Bearer {self.token}",
                    },
                )
                resp = self.conn.getresponse()
                body = resp.read()
                seconds = time.perf_counter() - start
                if resp.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                return Answer(resp.status, body.decode(errors="replace"), "", seconds)
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                self.conn.close()
                if attempt:
                    raise
                self.reconnects += 1
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


# ---------------------------------------------------------------------------------------------
# resident processes


class Daemon:
    def __init__(self, gatepost: str, args: list[str], env: dict[str, str], lay: Layout) -> None:
        self.gp_home = Path(env["GATEPOST_HOME"])
        self.log = lay.run / f"daemon-{self.gp_home.name}.log"
        self._log = open(self.log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [gatepost, "daemon", *args],
            env=env,
            cwd=lay.project,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def socket(self) -> Path:
        return self.gp_home / "run" / "gatepost.sock"

    def _check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise RuntimeError(
                f"gatepost daemon exited with {self.proc.returncode}: "
                f"{_tail(self.log.read_text(errors='replace'))}"
            )

    def wait_socket(self, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self._check_alive()
            if self.socket.exists():
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    try:
                        s.connect(str(self.socket))
                        return
                    except OSError:
                        pass
            time.sleep(0.02)
        raise RuntimeError(f"gatepost daemon: no socket at {self.socket} after {timeout}s")

    def wait_http_port(self, timeout: float = 60) -> int:
        port_file = self.gp_home / "run" / "http.port"
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self._check_alive()
            with contextlib.suppress(OSError, ValueError):
                port = int(port_file.read_text().strip())
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return port
            time.sleep(0.02)
        raise RuntimeError(f"gatepost daemon: no port in {port_file} after {timeout}s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._log.close()


@contextlib.contextmanager
def daemons() -> Iterator[list[Daemon]]:
    started: list[Daemon] = []

    def on_term(signum: int, frame: object) -> None:
        raise SystemExit(f"bench_hook: signal {signum}")

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield started
    finally:
        for d in started:
            with contextlib.suppress(Exception):
                d.stop()
        signal.signal(signal.SIGTERM, previous)


def stop_started_service(home: Path, timeout: float = 15) -> None:
    """Stop the service a hook started in ``home`` (read from its pid file), and wait until it
    has removed its socket."""
    pid_file, sock = home / "run" / "daemon.pid", home / "run" / "gatepost.sock"
    end = time.monotonic() + timeout
    while not pid_file.exists() and sock.exists() and time.monotonic() < end:
        time.sleep(0.005)  # started, not yet complete
    with contextlib.suppress(OSError, ValueError):
        os.kill(int(pid_file.read_text()), signal.SIGTERM)
    while (sock.exists() or pid_file.exists()) and time.monotonic() < end:
        time.sleep(0.005)


# ---------------------------------------------------------------------------------------------
# replies


def verdict_of(answer: Answer) -> str:
    """allow | ask | deny | pass (no opinion) | error:..., read from a Claude Code hook reply."""
    out = answer.stdout.strip()
    reason = ""
    verdict = ""
    if out:
        try:
            reply = json.loads(out)
        except ValueError:
            return f"error:stdout not JSON (rc {answer.rc})"
        if isinstance(reply, dict):
            hso = reply.get("hookSpecificOutput") or {}
            verdict = str(hso.get("permissionDecision") or "")
            reason = str(hso.get("permissionDecisionReason") or reply.get("reason") or "")
            if not verdict and reply.get("decision") == "block":
                verdict = "deny"
            if reply.get("continue") is False:
                verdict = "deny"
    if not verdict:
        if answer.rc == 2:
            verdict = "deny"
            reason = answer.stderr
        elif answer.rc == 0 or (answer.rc == 200 and not answer.stderr):
            verdict = "pass"
        else:
            return f"error:exit {answer.rc}"
    low = reason.lower()
    if " error" in low or low.startswith("error") or "could not decide" in low:
        return f"{verdict}(error)"
    return verdict


# ---------------------------------------------------------------------------------------------
# measuring


def percentile(sorted_samples: list[float], q: float) -> float:
    if not sorted_samples:
        return math.nan
    k = max(0, min(len(sorted_samples) - 1, math.ceil(q * len(sorted_samples)) - 1))
    return sorted_samples[k]


def stats_ms(samples: list[float]) -> tuple[float, float, float]:
    s = sorted(samples)
    if not s:
        return math.nan, math.nan, math.nan
    return (statistics.median(s) * 1e3, percentile(s, 0.9) * 1e3, statistics.fmean(s) * 1e3)


def verify(tools: list[Tool], lay: Layout, specs: list[tuple[str, str, dict[str, Any]]]) -> None:
    """Every tool answers every payload once (untimed): warms caches, checks each does its job."""
    for tool in tools:
        if not tool.available or tool.call is None or tool.key == "bare":
            continue
        for name, tool_name, tool_input in specs:
            try:
                ans = tool.call(make_payload(lay, tool_name, tool_input))
            except Exception as exc:
                tool.problem = f"failed on {name}: {type(exc).__name__}: {exc}"
                break
            v = verdict_of(ans)
            tool.verdicts[name] = v
            if name == DANGEROUS:
                tool.blocks = v.startswith("deny")
            suspicious = "error" in v or ans.rc not in (0, 2, 200)
            if (suspicious or (name == DANGEROUS and not tool.blocks)) and not tool.shown_stderr:
                tool.shown_stderr = True
                print(f"  ! {tool.label} on {name}: {v}, exit {ans.rc}")
                for label, text in (("stdout", ans.stdout), ("stderr", ans.stderr)):
                    if text.strip():
                        print(textwrap.indent(text.strip()[:1500], f"    {label}| "))


def measure(
    tools: list[Tool], lay: Layout, specs: list[tuple[str, str, dict[str, Any]]], calls: int
) -> None:
    live = [t for t in tools if t.available]
    for i in range(calls):
        _, tool_name, tool_input = specs[i % len(specs)]
        k = i % len(live) if live else 0
        for tool in live[k:] + live[:k]:  # rotate the order every round
            if tool.call is None or tool.problem:
                continue
            try:
                ans = tool.call(make_payload(lay, tool_name, tool_input))
            except Exception as exc:
                tool.problem = f"failed while timing: {type(exc).__name__}: {exc}"
                continue
            tool.samples.append(ans.seconds)
        if (i + 1) % 10 == 0 or i + 1 == calls:
            print(f"  round {i + 1}/{calls}", flush=True)


# ---------------------------------------------------------------------------------------------
# profiling the cold path


def parse_importtime(stderr: str) -> list[tuple[int, int, int, str]]:
    """(self_us, cumulative_us, depth, module) in import order (parents before children).

    ``-X importtime`` prints a module after everything it imported (post-order); this puts
    the lines back in the order the imports began."""
    post = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        try:
            _, rest = line.split(":", 1)
            self_us, cum_us, name = rest.split("|", 2)
            depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
            post.append((int(self_us), int(cum_us), depth, name.strip()))
        except ValueError:
            continue
    # rebuild the tree: a line's children are the unclaimed lines just before it, one deeper
    stack: list[tuple[tuple[int, int, int, str], list[Any]]] = []
    for row in post:
        children = []
        while stack and stack[-1][0][2] > row[2]:
            children.append(stack.pop())
        stack.append((row, children[::-1]))
    out: list[tuple[int, int, int, str]] = []

    def walk(node: tuple[tuple[int, int, int, str], list[Any]]) -> None:
        out.append(node[0])
        for child in node[1]:
            walk(child)

    for node in stack:
        walk(node)
    return out


def print_importtime(title: str, stderr: str, threshold_ms: float = 2.0) -> None:
    rows = parse_importtime(stderr)
    if not rows:
        print(f"  {title}: no -X importtime output")
        print(textwrap.indent(stderr.strip()[-2000:], "    | "))
        return
    total = sum(r[1] for r in rows if r[2] == 0)
    print(f"\n{title}: {total / 1e3:.1f} ms in {len(rows)} imports")
    print(f"  cumulative >= {threshold_ms:g} ms, in import order (cumulative includes children):")
    for self_us, cum_us, depth, name in rows:
        if cum_us >= threshold_ms * 1e3:
            print(
                f"    {cum_us / 1e3:7.1f} ms cum {self_us / 1e3:6.1f} ms self  {'  ' * depth}{name}"
            )
    print("  by own (self) time, top 12:")
    for self_us, _cum, _depth, name in sorted(rows, reverse=True)[:12]:
        print(f"    {self_us / 1e3:7.1f} ms  {name}")
    groups: dict[str, int] = {}
    for self_us, _cum, _depth, name in rows:
        groups[name.split(".")[0]] = groups.get(name.split(".")[0], 0) + self_us
    print("  self time by top-level package, top 8:")
    for name, us in sorted(groups.items(), key=lambda kv: -kv[1])[:8]:
        print(f"    {us / 1e3:7.1f} ms  {name}")


_PHASES_SCRIPT = r"""
# the steps of the cold hook (gatepost.cli.hookmain, then the evidence child's work), timed one
# by one in a fresh process (unprofiled); the process starts as the hook does
import sys, time, json
t = [time.perf_counter()]
import gc
gc.disable()
t.append(time.perf_counter())
import gatepost.runtime.fallback
t.append(time.perf_counter())
from gatepost.adapters.registry import adapter_for
from gatepost.runtime.boundary import handle
from gatepost.runtime.fallback import current_config, load
data = sys.stdin.buffer.read()
adapter_for("claude-code")
t.append(time.perf_counter())
config, _ = current_config()
t.append(time.perf_counter())
loaded, error = load(config)
t.append(time.perf_counter())
import gatepost.pipeline  # imported lazily by handle()
t.append(time.perf_counter())
result = handle("claude-code", data, config, loaded.policy, error, deadline_ms=config.deadline_ms)
t.append(time.perf_counter())
reply_at = len(t)
from gatepost.evidence.record import make_event  # the rest runs in the child, after the reply
t.append(time.perf_counter())
event = make_event(result.action, result.decision, now_ns=time.time_ns())
t.append(time.perf_counter())
from gatepost.store.base import open_store  # imported lazily by record()
import gatepost.store.sqlite
t.append(time.perf_counter())
config.home.mkdir(parents=True, exist_ok=True)
store = open_store(config.store_url)
t.append(time.perf_counter())
store.append([event])
t.append(time.perf_counter())
store.close()
t.append(time.perf_counter())
names = ["start-up (gc.disable)",
         "import gatepost.runtime.fallback", "adapter_for (adapter import)", "current_config",
         "load (cached policy + compile)", "import gatepost.pipeline (lazy, in handle)",
         "handle (parse, bind, enrich, evaluate)",
         "import gatepost.evidence.record", "make_event (redact, hash)",
         "import gatepost.store.* (lazy, in record)", "open_store (connect, PRAGMAs, migrate)",
         "store.append (one event, commit)", "store.close"]
json.dump({"phases": [[n, t[i + 1] - t[i]] for i, n in enumerate(names)],
           "reply_after": reply_at - 1}, sys.stdout)
"""

_PROFILE_SCRIPT = r"""
import cProfile, gc, json, sys, time
gc.disable()
import gatepost.runtime.fallback
data = sys.stdin.buffer.read()
prof = cProfile.Profile()
prof.enable()
gatepost.runtime.fallback.decide_in_process("claude-code", data)
prof.disable()
prof.create_stats()
stats = {f"{k[0]}:{k[1]}({k[2]})": [v[0], v[1], v[2], v[3]] for k, v in prof.stats.items()}
json.dump({"stats": stats}, sys.stdout)
"""


_DAEMON_SIDE_SCRIPT = r"""
import cProfile, json, statistics, sys, time
from gatepost.runtime.fallback import current_config, load
from gatepost.runtime.boundary import handle
from gatepost.evidence.record import make_event
config, _ = current_config()
loaded, error = load(config)
policy = loaded.policy
lines = sys.stdin.buffer.read().split(b"\n")
for p in lines[:20]:  # warm
    make_event(*(lambda r: (r.action, r.decision))(handle("claude-code", p, config, policy, error)))
t_handle, t_event = [], []
for p in lines[20:]:
    s = time.perf_counter()
    r = handle("claude-code", p, config, policy, error, deadline_ms=None)
    m = time.perf_counter()
    make_event(r.action, r.decision)
    t_handle.append(m - s)
    t_event.append(time.perf_counter() - m)
prof = cProfile.Profile()
prof.enable()
for p in lines[20:]:
    r = handle("claude-code", p, config, policy, error, deadline_ms=None)
    make_event(r.action, r.decision)
prof.disable()
prof.create_stats()
stats = {f"{k[0]}:{k[1]}({k[2]})": [v[0], v[1], v[2], v[3]] for k, v in prof.stats.items()}
json.dump({"handle": t_handle, "event": t_event, "n": len(lines) - 20, "stats": stats},
          sys.stdout)
"""


def print_pstats(stats: dict[str, list[float]], n_cum: int, n_own: int, per: int = 1) -> None:
    rows = []
    for loc, (_cc, nc, tt, ct) in stats.items():
        if loc.startswith("<frozen") or "{built-in method builtins.exec}" in loc:
            continue
        rows.append((ct / per, tt / per, nc / per, loc))
    unit = "" if per == 1 else " per call"
    print(f"  by cumulative time{unit}, top {n_cum} (import machinery left out):")
    for ct, tt, nc, loc in sorted(rows, reverse=True)[:n_cum]:
        print(f"    {ct * 1e3:8.2f} ms cum {tt * 1e3:7.2f} ms own {nc:7.0f}x  {_short(loc)}")
    print(f"  by own time{unit}, top {n_own}:")
    for ct, tt, nc, loc in sorted(rows, key=lambda r: -r[1])[:n_own]:
        print(f"    {tt * 1e3:8.2f} ms own {ct * 1e3:8.2f} ms cum {nc:7.0f}x  {_short(loc)}")


def profile_daemon_path(
    lay: Layout, gatepost: str, denv: dict[str, str], specs: list[tuple[str, str, dict[str, Any]]]
) -> None:
    """Where the hook's time goes when the resident process answers: the client's imports,
    and the decision the daemon makes per request (what the HTTP hook pays as well)."""
    print("\n=== daemon-path profile (resident process running) ===")
    py = sys.executable
    git_status = make_payload(lay, specs[0][1], specs[0][2])
    p = subprocess.run(
        [py, "-X", "importtime", gatepost, "hook", AGENT],
        input=git_status,
        env=denv,
        cwd=lay.project,
        capture_output=True,
        timeout=120,
    )
    print_importtime(
        "python -X importtime gatepost hook claude-code (daemon answers)",
        p.stderr.decode(errors="replace"),
        threshold_ms=1.0,
    )
    p = subprocess.run(
        [py, "-X", "importtime", "-c", "pass"],
        env=denv,
        cwd=lay.project,
        capture_output=True,
        timeout=60,
    )
    base = sum(r[1] for r in parse_importtime(p.stderr.decode(errors="replace")) if r[2] == 0)
    print(f"  (for comparison, python -c pass imports {base / 1e3:.1f} ms at start-up)")

    floor = {
        "python -c pass": "pass",
        "import _socket": "import _socket",
        "import socket": "import socket",
        "import socket, json": "import socket, json",
        "import hashlib": "import hashlib",
        "import hmac": "import hmac",
        "import gatepost.runtime.client": "import gatepost.runtime.client",
        "import gatepost.cli.hookmain": "import gatepost.cli.hookmain",
        "import gatepost.cli.main": "import gatepost.cli.main",
    }
    times: dict[str, list[float]] = {k: [] for k in floor}
    for _ in range(15):
        for label, code in floor.items():
            start = time.perf_counter()
            subprocess.run([py, "-c", code], env=denv, cwd=lay.project, capture_output=True)
            times[label].append(time.perf_counter() - start)
    print("  what a hook client's imports cost, spawn to exit, p50 of 15:")
    for label, v in times.items():
        print(f"    {statistics.median(v) * 1e3:6.1f} ms  python -c '{floor[label]}'")

    rounds = 20
    lines = b"\n".join(make_payload(lay, t, i) for _ in range(rounds + 3) for _, t, i in specs)
    p = subprocess.run(
        [py, "-c", _DAEMON_SIDE_SCRIPT],
        input=lines,
        env=denv,
        cwd=lay.project,
        capture_output=True,
        timeout=300,
    )
    try:
        res = json.loads(p.stdout)
    except ValueError:
        print("  daemon-side run failed:\n" + textwrap.indent(p.stderr.decode()[-3000:], "    | "))
        return
    h, e = sorted(res["handle"]), sorted(res["event"])
    print(
        f"\nper request inside the daemon (warm, {len(h)} calls over the {len(specs)} payloads): "
        f"handle() p50 {statistics.median(h) * 1e3:.2f} ms p90 {percentile(h, 0.9) * 1e3:.2f} ms, "
        f"make_event() p50 {statistics.median(e) * 1e3:.2f} ms (both run in the request thread)"
    )
    by_payload: dict[str, list[float]] = {}
    for k, secs in enumerate(res["handle"]):
        by_payload.setdefault(specs[k % len(specs)][0], []).append(secs)
    print(
        "  handle() p50 by payload: "
        + ", ".join(f"{n} {statistics.median(v) * 1e3:.2f}" for n, v in by_payload.items())
        + " ms"
    )
    print_pstats(res["stats"], 20, 12, per=res["n"])


def _short(loc: str) -> str:
    for marker in ("/site-packages/", "/src/", "/lib/python3"):
        if marker in loc:
            return loc.split(marker, 1)[1]
    return loc


def profile_cold(
    lay: Layout, gatepost: str, env: dict[str, str], specs: list[tuple[str, str, dict[str, Any]]]
) -> None:
    print("\n=== cold-path profile (no resident process) ===")
    py = sys.executable
    gp_home = lay.run / "gp-profile"
    # no resident process may start behind the profile's back (it would stay running, and the
    # import profile would show what starting it costs, which a cold hook with autostart off
    # does not pay)
    penv = {**env, "GATEPOST_HOME": str(gp_home), "GATEPOST_DAEMON_AUTOSTART": "0"}
    git_status = make_payload(lay, specs[0][1], specs[0][2])
    # once untimed so the event store exists, as on any machine after its first hook call
    subprocess.run(
        [gatepost, "hook", AGENT],
        input=git_status,
        env=penv,
        cwd=lay.project,
        capture_output=True,
        timeout=120,
    )

    p = subprocess.run(
        [py, "-X", "importtime", "-c", "import gatepost.runtime.fallback"],
        env=penv,
        cwd=lay.project,
        capture_output=True,
        timeout=120,
    )
    print_importtime(
        "python -X importtime -c 'import gatepost.runtime.fallback'",
        p.stderr.decode(errors="replace"),
    )

    p = subprocess.run(
        [py, "-X", "importtime", gatepost, "hook", AGENT],
        input=git_status,
        env=penv,
        cwd=lay.project,
        capture_output=True,
        timeout=120,
    )
    print_importtime(
        "python -X importtime gatepost hook claude-code (whole cold hook, git status)",
        p.stderr.decode(errors="replace"),
    )

    def run_json(script: str, data: bytes) -> dict[str, Any] | None:
        p = subprocess.run(
            [py, "-c", script],
            input=data,
            env=penv,
            cwd=lay.project,
            capture_output=True,
            timeout=300,
        )
        try:
            out: dict[str, Any] = json.loads(p.stdout)
            return out
        except ValueError:
            print("  run failed:\n" + textwrap.indent(p.stderr.decode()[-3000:], "    | "))
            return None

    runs = [run_json(_PHASES_SCRIPT, make_payload(lay, specs[0][1], specs[0][2])) for _ in range(5)]
    ok = [r for r in runs if r is not None]
    if ok:
        print(
            "\ncold hook, step by step (fresh process each, unprofiled, git status; "
            f"median of {len(ok)}):"
        )
        total = 0.0
        for k, (name, _) in enumerate(ok[0]["phases"]):
            if k == ok[0]["reply_after"]:
                print(f"    {total:8.1f} ms  until the reply (after interpreter start)")
                print("  after the reply, in the detached evidence child (not waited for):")
                total = 0.0
            ms = statistics.median(r["phases"][k][1] for r in ok) * 1e3
            total += ms
            print(f"    {ms:8.1f} ms  {name}")
        print(f"    {total:8.1f} ms  the evidence child's work")
    res = run_json(_PROFILE_SCRIPT, make_payload(lay, specs[0][1], specs[0][2]))
    if res is None:
        return
    print(
        "\ncProfile of one decide_in_process call "
        "(fresh process, after import gatepost.runtime.fallback; "
        "profiling inflates the times):"
    )
    print_pstats(res["stats"], 30, 15)
    lazy = [
        ct
        for loc, (_cc, _nc, _tt, ct) in res["stats"].items()
        if "_find_and_load" in loc and "frozen" in loc
    ]
    if lazy:
        print(
            f"  of which lazy imports inside the call: {max(lazy) * 1e3:.1f} ms "
            "(importlib _find_and_load, cumulative)"
        )


# ---------------------------------------------------------------------------------------------
# main


def fmt(x: float, nd: int = 1) -> str:
    return "na" if x is None or math.isnan(x) else f"{x:.{nd}f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    ap.add_argument("--calls", type=int, default=30, help="timed calls per tool (default 30)")
    ap.add_argument(
        "--dir",
        help="work folder (default $GATEPOST_BENCH_DIR or "
        "~/.cache/gatepost-bench); must lie outside /tmp",
    )
    ap.add_argument("--no-peers", action="store_true", help="skip provio, nah, cc-safety-net")
    ap.add_argument("--no-profile", action="store_true", help="skip the cold-path profile")
    ap.add_argument(
        "--src",
        help="measure the gatepost package in this folder (e.g. src/ of an export of a commit) "
        "instead of the one the venv imports; put first on PYTHONPATH for every gatepost-side "
        "process, the bare interpreter included",
    )
    args = ap.parse_args()
    src = Path(args.src).resolve() if args.src else None
    if src is not None:
        if not (src / "gatepost" / "__init__.py").is_file():
            raise SystemExit(f"bench_hook: no gatepost package in {src}")
        sys.path.insert(0, str(src))

    work = Path(args.dir or os.environ.get("GATEPOST_BENCH_DIR") or "~/.cache/gatepost-bench")
    lay = make_layout(work)
    bindir = Path(sys.executable).parent
    gatepost = (
        str(bindir / "gatepost") if (bindir / "gatepost").exists() else shutil.which("gatepost")
    )
    if gatepost is None:
        raise SystemExit("bench_hook: no gatepost executable beside this interpreter or on PATH")

    print(f"work folder {lay.work}  (HOME {lay.home}, cwd {lay.project})")
    gp_version = gatepost_version(src)
    print(
        f"interpreter {sys.executable} (Python {sys.version.split()[0]}), "
        f"gatepost {gp_version} at {gatepost}"
    )
    print(f"{os.cpu_count()} cpus; {args.calls} timed calls per tool, round-robin")
    # An installed package has its bytecode written by pip; a source tree may not (and never
    # will while PYTHONDONTWRITEBYTECODE is set), which would time compiling, not running.
    import gatepost as _gp

    package = Path(_gp.__file__).resolve().parent
    rc, out = _run_quiet([sys.executable, "-m", "compileall", "-q", "-j", "0", str(package)], 300)
    note = (
        " (PYTHONDONTWRITEBYTECODE is set here)"
        if os.environ.get("PYTHONDONTWRITEBYTECODE")
        else ""
    )
    print(
        f"bytecode of {package} compiled{note}" if rc == 0 else f"compileall failed: {_tail(out)}"
    )

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GATEPOST_HOME", "VIRTUAL_ENV", "PYTHONHOME")
        and not k.startswith(("CLAUDE", "NAH_", "PROVIO"))
    }
    env.update(HOME=str(lay.home), PWD=str(lay.project), CLAUDE_PROJECT_DIR=str(lay.project))
    peer_env = dict(env)  # the peers never see a PYTHONPATH meant for gatepost
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))

    def gp_env(name: str) -> dict[str, str]:
        d = lay.run / name
        d.mkdir(parents=True)
        # the cold measurement must stay cold: no resident process started behind its back
        return {**env, "GATEPOST_HOME": str(d), "GATEPOST_DAEMON_AUTOSTART": "0"}

    from gatepost.runtime.fallback import wait_for_recording

    cold_env = gp_env("gp-cold")
    # One untimed call without PYTHONDONTWRITEBYTECODE writes what a first run writes (the
    # bytecode), as any installation's first call does.
    warm = {k: v for k, v in gp_env("gp-warm").items() if k != "PYTHONDONTWRITEBYTECODE"}
    first = make_payload(lay, "Bash", {"command": "git status"})
    subprocess.run([gatepost, "hook", AGENT], input=first, env=warm, capture_output=True)
    tools = [
        Tool(
            "bare",
            "python -c pass",
            call=subprocess_caller([sys.executable, "-c", "pass"], env, lay.project),
        ),
        Tool(
            "hook_cold",
            "gatepost hook (fallback)",
            version=gp_version,
            call=subprocess_caller(
                [gatepost, "hook", AGENT],
                cold_env,
                lay.project,
                settle=lambda: wait_for_recording(Path(cold_env["GATEPOST_HOME"])),
            ),
        ),
        Tool("hook_daemon", "gatepost hook (service)", version=gp_version),
        Tool("first_call", "hook starting the service", version=gp_version),
        Tool("http", "gatepost HTTP hook", version=gp_version),
        Tool("provio", "provio check"),
        Tool("nah", "nah _claude-hook"),
        Tool("ccsafetynet", "cc-safety-net hook -cc"),
    ]
    by_key = {t.key: t for t in tools}

    print("\n=== peers ===")
    if args.no_peers:
        for k in ("provio", "nah", "ccsafetynet"):
            by_key[k].problem = "skipped (--no-peers)"
    else:
        py_problems = install_python_peers(lay, ["provio", "nah"])
        npm_problem = install_npm_peer(lay, "cc-safety-net")
        vbin = lay.peers_venv / "bin"
        t = by_key["provio"]
        t.problem = py_problems["provio"]
        if not t.problem:
            t.version = python_dist_version(lay, "provio")
            ledger = lay.run / "provio-ledger.jsonl"
            t.call = subprocess_caller(
                [
                    str(vbin / "provio"),
                    "check",
                    "--format",
                    "claude-code",
                    "--if-no-policy",
                    "starter",
                    "--ledger",
                    str(ledger),
                ],
                peer_env,
                lay.project,
            )
        t = by_key["nah"]
        t.problem = py_problems["nah"]
        if not t.problem:
            t.version = python_dist_version(lay, "nah")
            t.call = subprocess_caller([str(vbin / "nah"), "_claude-hook"], peer_env, lay.project)
        t = by_key["ccsafetynet"]
        t.problem = npm_problem
        if not t.problem:
            t.version = npm_version(lay, "cc-safety-net")
            ccsn = lay.npm_prefix / "node_modules" / ".bin" / "cc-safety-net"
            t.call = subprocess_caller([str(ccsn), "hook", "-cc"], peer_env, lay.project)
    for k in ("provio", "nah", "ccsafetynet"):
        t = by_key[k]
        print(
            f"  {t.label:26s} "
            + (f"version {t.version}" if not t.problem else f"UNAVAILABLE: {t.problem}")
        )

    specs = payload_specs(lay.project)
    http_caller: HttpCaller | None = None
    with daemons() as started:
        try:
            denv = gp_env("gp-daemon")
            d = Daemon(gatepost, ["--no-http"], denv, lay)
            started.append(d)
            d.wait_socket()
            by_key["hook_daemon"].call = subprocess_caller(
                [gatepost, "hook", AGENT], denv, lay.project
            )
        except Exception as exc:
            by_key["hook_daemon"].problem = f"daemon did not start: {exc}"
        try:
            h = Daemon(gatepost, ["--http-port", "0"], gp_env("gp-http"), lay)
            started.append(h)
            port = h.wait_http_port()
            http_caller = HttpCaller(port, (h.gp_home / "keys" / "http-token").read_text())
            by_key["http"].call = http_caller
        except Exception as exc:
            by_key["http"].problem = f"HTTP daemon did not start: {exc}"

        # the first call of a home whose service is not running: the hook starts it and waits
        # (the service is stopped again after each call, untimed; the policy cache is warm)
        first_env = {**gp_env("gp-first"), "GATEPOST_DAEMON_AUTOSTART": "1"}
        first_home = Path(first_env["GATEPOST_HOME"])
        by_key["first_call"].call = subprocess_caller(
            [gatepost, "hook", AGENT],
            first_env,
            lay.project,
            settle=lambda: stop_started_service(first_home),
        )
        first_env_trace = {**first_env, "GATEPOST_HOOK_TRACE": "1"}

        print("\n=== which path answers (GATEPOST_HOOK_TRACE=1) ===")
        probe = make_payload(lay, specs[0][1], specs[0][2])
        for label, penv in (
            ("hook, service running", {**denv, "GATEPOST_HOOK_TRACE": "1"}),
            ("hook, no service, autostart off", {**cold_env, "GATEPOST_HOOK_TRACE": "1"}),
            ("hook, no service, autostart on", first_env_trace),
        ):
            p = subprocess.run(
                [gatepost, "hook", AGENT],
                input=probe,
                env=penv,
                cwd=lay.project,
                capture_output=True,
                timeout=60,
            )
            path = p.stderr.decode(errors="replace").strip().splitlines()[-1:]
            print(f"  {label:34s} {path[0] if path else '(nothing)'}")
        stop_started_service(first_home)
        wait_for_recording(Path(cold_env["GATEPOST_HOME"]))

        print("\n=== checking replies (every tool, every payload, once, untimed) ===")
        verify(tools, lay, specs)
        names = [s[0] for s in specs]
        width = max(len(n) for n in names)
        live = [t for t in tools if t.key != "bare" and t.verdicts]
        print(f"  {'payload':{width}s} " + " ".join(f"{t.key:>13s}" for t in live))
        for n in names:
            print(f"  {n:{width}s} " + " ".join(f"{t.verdicts.get(n, '-'):>13s}" for t in live))

        print("\n=== timing ===", flush=True)
        measure(tools, lay, specs, args.calls)
        if http_caller is not None and by_key["http"].available:
            burst: dict[str, list[float]] = {"deny": [], "other": []}
            for i in range(max(args.calls, 7 * 8)):
                name, tool_name, tool_input = specs[i % len(specs)]
                ans = http_caller(make_payload(lay, tool_name, tool_input))
                burst["deny" if name == DANGEROUS else "other"].append(ans.seconds)
            print(
                "  HTTP hook back-to-back (diagnostic, not in the table): "
                + ", ".join(
                    f"{'the curl | sh (deny) reply' if k == 'deny' else 'the other replies'} "
                    f"p50 {stats_ms(v)[0]:.2f} ms p90 {stats_ms(v)[1]:.2f} ms (n={len(v)})"
                    for k, v in burst.items()
                )
            )
        if http_caller is not None:
            if http_caller.reconnects:
                print(f"  HTTP: reconnected {http_caller.reconnects} time(s)")
            http_caller.close()

        if not args.no_profile and by_key["hook_daemon"].available:
            try:
                profile_daemon_path(lay, gatepost, denv, specs)
            except Exception as exc:
                print(f"  profiling failed: {type(exc).__name__}: {exc}")

    if not args.no_profile:
        try:
            profile_cold(lay, gatepost, env, specs)
        except Exception as exc:
            print(f"  profiling failed: {type(exc).__name__}: {exc}")

    print(f"\n=== results: {args.calls} calls per tool, spawn to exit (HTTP: request to reply) ===")
    print(
        f"  {'tool':28s} {'version':20s} {'p50 ms':>8s} {'p90 ms':>8s} {'mean ms':>8s}"
        f" {'n':>4s}  blocks dangerous"
    )
    res: dict[str, float] = {}
    for t in tools:
        p50, p90, mean = stats_ms(t.samples) if t.samples and not t.problem else (math.nan,) * 3
        res[t.key] = p50
        nd = 2 if t.key == "http" else 1
        blocks = (
            "-"
            if t.key == "bare"
            else ("na" if t.blocks is None else ("yes" if t.blocks else "NO"))
        )
        print(
            f"  {t.label:28s} {(t.version or '-')[:20]:20s} {fmt(p50, nd):>8s} "
            f"{fmt(p90, nd):>8s} {fmt(mean, nd):>8s} {len(t.samples):4d}  {blocks}"
            + (f"   ({t.problem})" if t.problem else "")
        )

    def check(label: str, ok: bool | None, detail: str) -> None:
        word = "na" if ok is None else ("PASS" if ok else "FAIL")
        print(f"  [{word:4s}] {label}: {detail}")

    def known(*keys: str) -> bool:
        return all(not math.isnan(res[k]) for k in keys)

    bare, cold, dmn, first, http_, prov = (
        res[k] for k in ("bare", "hook_cold", "hook_daemon", "first_call", "http", "provio")
    )
    print("\n=== budget ===")
    check(
        "hook via the service p50 <= 1.2x bare interpreter p50",
        dmn / bare <= 1.2 if known("hook_daemon", "bare") else None,
        f"{fmt(dmn)} / {fmt(bare)} = {fmt(dmn / bare, 2)}x",
    )
    check(
        "hook via the service p50 <= 0.3x provio p50",
        dmn <= 0.3 * prov if known("hook_daemon", "provio") else None,
        f"{fmt(dmn)} vs {fmt(0.3 * prov)} ms ({fmt(dmn / prov, 2)}x)",
    )
    check(
        "first call that starts the service p50 <= 150 ms",
        first <= 150 if known("first_call") else None,
        f"{fmt(first)} ms",
    )
    check("HTTP hook p50 <= 1 ms", http_ <= 1 if known("http") else None, f"{fmt(http_, 2)} ms")
    print(
        f"  [info] fallback (in-process) hook p50: {fmt(cold)} ms"
        + (f" ({fmt(cold / prov, 2)}x provio)" if known("hook_cold", "provio") else "")
    )

    keys = [
        ("bare", 2),
        ("hook_cold", 2),
        ("hook_daemon", 2),
        ("first_call", 2),
        ("http", 3),
        ("provio", 2),
        ("nah", 2),
        ("ccsafetynet", 2),
    ]
    print(" ".join(f"{k}_p50_ms={fmt(res[k], nd)}" for k, nd in keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
