"""Many readers at once, and a few hostile clients among them: what the one server holds.

The server is started as a user would start it, in its own process
(``python -m assistant.cli --data-dir DIR serve --no-index``, loopback, a free port) with
``ASSISTANT_RATE_LIMIT=0``: all simulated users come from 127.0.0.1, so a per-client limit
would measure the limiter, not the server. It serves a copy of ``./data`` (or ``--data-dir``),
brought up to date with the bundled corpus by ``assistant index`` (cheap: cached embeddings),
so the questions the load asks are recorded in the copy, never in the checkout. Each scenario
gets its own fresh copy and server, with no question embedding cached: ``assistant eval``
has cached every gold question, and a reader's new question is not cached.

Two scenarios, each bounded by ``--seconds`` (plus at most ``DRAIN_SECONDS`` for the answers
still in flight):

``normal``
    ``--users`` simulated readers (threads, one kept-alive HTTP connection each). Each loops:
    a question of ``corpus/eval/gold-dev.jsonl`` (German and English; fixed seed), in 30 % of
    turns a follow-up with the reader's previous question as history, sent through one of the
    three question doors in turn (``/widget/ask``, ``/v1/chat/completions``, the Gradio API
    ``/ask`` as plain HTTP: ``POST /gradio_api/call/ask`` then the event stream of
    ``GET /gradio_api/call/ask/{event_id}``), then 1-3 s of reading. Reported per door and
    overall: answers per second, p50/p95/p99 latency of the answers, errors by kind
    (``status_503``, ``answer_error`` for a 200 that carries ``error``, exception names).
``hostile``
    Fewer readers (``--hostile-users``) as above, while one to three hostile clients
    (``--attacks``, one connection each) send as fast as they can: (1) forged histories,
    10,000 entries of 2,000 characters (20 MB), alternating with the largest history the
    body limit lets through; (2) a flood of 2,000-character random questions (the longest a
    question may be); (3) 5 MB bodies, with a declared length and chunked. The readers'
    figures are reported apart from the hostile clients' status counts, so the question
    answered is: what do readers notice of them?

Besides the client's view, the server process's resident memory (start, peak) and CPU
(seconds, and cores busy on average) are sampled from ``/proc``. The driver runs on the same
machine (2 cores here) and costs CPU itself, notably the hostile clients' JSON encoding: the
figures are for loopback on one machine, an upper bound of what a reader would wait.

python -m benchmarks.load [--users 50] [--seconds 60] [--scenario normal|hostile|both]
                          [--hostile-users 20] [--hostile 3] [--data-dir DIR]
                          [--attacks history,flood,oversize]   (which hostile clients)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from assistant.answer.local_llm import free_port

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "corpus" / "eval" / "gold-dev.jsonl"
SEED = 20261
FOLLOW_UP_SHARE = 0.3
THINK_SECONDS = (1.0, 3.0)
REQUEST_TIMEOUT = 60.0
DRAIN_SECONDS = 60.0  # answers still in flight at the end get this long
START_TIMEOUT = 180.0
DOORS = ("widget", "openai", "gradio")
HUGE_HISTORY = (10_000, 2_000)  # entries, characters each
OVERSIZED_BYTES = 5_000_000
FLOOD_CHARS = 2_000


@dataclass
class Record:
    """One request as a client saw it."""

    door: str
    started: float
    seconds: float
    outcome: str  # "ok", "status_NNN", "answer_error" or an exception's class name
    question: str = ""


@dataclass
class Tally:
    """What the clients of one role saw (each thread appends; list.append is atomic)."""

    records: list[Record] = field(default_factory=list)


# --- the three doors -------------------------------------------------------------------


def ask_widget(http: httpx.Client, question: str, history: list[str]) -> str:
    response = http.post("/widget/ask", json={"question": question, "history": history})
    return _outcome(response)


def ask_openai(http: httpx.Client, question: str, history: list[str]) -> str:
    messages: list[dict[str, str]] = []
    for earlier in history:
        messages.append({"role": "user", "content": earlier})
        messages.append({"role": "assistant", "content": "…"})
    messages.append({"role": "user", "content": question})
    body = {"model": "alliance-assistant", "messages": messages}
    return _outcome(http.post("/v1/chat/completions", json=body))


def ask_gradio(http: httpx.Client, question: str, history: list[str]) -> str:
    """The Gradio API's plain-HTTP form: join the queue, then read the event stream."""
    joined = http.post("/gradio_api/call/ask", json={"data": [question, history, None, None, None]})
    if joined.status_code >= 300:
        return f"status_{joined.status_code}"
    event_id = joined.json()["event_id"]
    event = ""
    with http.stream("GET", f"/gradio_api/call/ask/{event_id}") as stream:
        if stream.status_code >= 300:
            return f"status_{stream.status_code}"
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line[len("event:") :].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    return "gradio_error"
                data = json.loads(line[len("data:") :])
                result = data[0] if isinstance(data, list) and data else {}
                return "answer_error" if "error" in result else "ok"
    return "gradio_no_result"


ASK: dict[str, Callable[[httpx.Client, str, list[str]], str]] = {
    "widget": ask_widget,
    "openai": ask_openai,
    "gradio": ask_gradio,
}


def _outcome(response: httpx.Response) -> str:
    if response.status_code >= 300:
        return f"status_{response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return "not_json"
    return "answer_error" if isinstance(body, dict) and "error" in body else "ok"


def timed(tally: Tally, door: str, call: Callable[..., str], *args: Any) -> None:
    started = time.perf_counter()
    try:
        outcome = call(*args)
    except Exception as exc:  # a load test counts every failure, by kind
        outcome = type(exc).__name__
    question = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
    tally.records.append(Record(door, started, time.perf_counter() - started, outcome, question))


# --- readers and hostile clients -----------------------------------------------------------


def reader(url: str, number: int, questions: list[str], deadline: float, tally: Tally) -> None:
    """One simulated reader: ask, read for 1-3 s, ask again, until the deadline."""
    rng = random.Random(SEED + number)
    door_at = rng.randrange(len(DOORS))
    previous: str | None = None
    time.sleep(rng.uniform(0, THINK_SECONDS[1]))  # readers do not all arrive at once
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as http:
        while time.perf_counter() < deadline:
            question = rng.choice(questions)
            history = [previous] if previous and rng.random() < FOLLOW_UP_SHARE else []
            door = DOORS[door_at % len(DOORS)]
            door_at += 1
            timed(tally, door, ASK[door], http, question, history)
            previous = question
            pause = rng.uniform(*THINK_SECONDS)
            time.sleep(max(0.0, min(pause, deadline - time.perf_counter())))


def history_attacker(url: str, deadline: float, tally: Tally, max_bytes: int) -> None:
    """Forged histories: 20 MB of them, then the largest the body limit lets through."""
    rng = random.Random(SEED - 1)
    entry = "".join(rng.choices(string.ascii_letters + " ", k=HUGE_HISTORY[1]))
    huge = [entry] * HUGE_HISTORY[0]
    encode = {
        "widget": lambda h: _json_bytes({"question": "Wer ist Mitglied?", "history": h}),
        "openai": lambda h: _json_bytes(_openai_body("Wer ist Mitglied?", h)),
    }
    bodies: dict[str, dict[str, bytes]] = {"huge": {}, "fitting": {}}
    for door, make in encode.items():
        bodies["huge"][door] = make(huge)
        per_entry = len(make([entry, entry])) - len(make([entry]))
        count = (max_bytes - len(make([]))) // per_entry
        bodies["fitting"][door] = make([entry] * count)  # the largest body under the limit
    paths = {"widget": "/widget/ask", "openai": "/v1/chat/completions"}
    turn = 0
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as http:
        while time.perf_counter() < deadline:
            size = ("huge", "fitting")[turn % 2]
            door = ("widget", "openai")[(turn // 2) % 2]
            turn += 1
            data = bodies[size][door]
            timed(tally, f"history_{size}_{door}", _post_raw, http, paths[door], data)


def flood_attacker(url: str, deadline: float, tally: Tally, _: int) -> None:
    """Questions of 2,000 random characters (words of letters and umlauts), no pause."""
    rng = random.Random(SEED - 2)
    alphabet = string.ascii_letters + "äöüßÄÖÜéè"
    turn = 0
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as http:
        while time.perf_counter() < deadline:
            words: list[str] = []
            while sum(len(w) + 1 for w in words) < FLOOD_CHARS:
                words.append("".join(rng.choices(alphabet, k=rng.randint(2, 12))))
            question = " ".join(words)[:FLOOD_CHARS]
            door = DOORS[turn % len(DOORS)]
            turn += 1
            timed(tally, f"flood_{door}", ASK[door], http, question, [])


def oversize_attacker(url: str, deadline: float, tally: Tally, _: int) -> None:
    """5 MB bodies to every question door, with a declared length and chunked."""
    blob = _json_bytes({"question": "x" * OVERSIZED_BYTES, "history": []})
    paths = ("/widget/ask", "/v1/chat/completions", "/gradio_api/call/ask")
    turn = 0
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as http:
        while time.perf_counter() < deadline:
            path = paths[turn % len(paths)]
            chunked = bool((turn // len(paths)) % 2)
            turn += 1
            label = f"oversize_{'chunked' if chunked else 'declared'}_{path.strip('/')}"
            timed(tally, label, _post_raw, http, path, blob, chunked)


ATTACKERS: dict[str, Callable[[str, float, Tally, int], None]] = {
    "history": history_attacker,
    "flood": flood_attacker,
    "oversize": oversize_attacker,
}


def _openai_body(question: str, history: list[str]) -> dict[str, Any]:
    messages = [{"role": "user", "content": h} for h in history]
    messages.append({"role": "user", "content": question})
    return {"model": "alliance-assistant", "messages": messages}


def _json_bytes(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _post_raw(http: httpx.Client, path: str, data: bytes, chunked: bool = False) -> str:
    headers = {"content-type": "application/json"}
    if chunked:  # no content-length: the server has to count while it reads

        def pieces() -> Iterator[bytes]:
            for start in range(0, len(data), 65_536):
                yield data[start : start + 65_536]

        response = http.post(path, content=pieces(), headers=headers)
    else:
        response = http.post(path, content=data, headers=headers)
    return f"status_{response.status_code}"


# --- the server ---------------------------------------------------------------------------


def prepare_data_dir(source: Path) -> tuple[Path, float]:
    """A copy of ``source`` (without its feedback log) indexed up to date; seconds it took."""
    data_dir = Path(tempfile.mkdtemp(prefix="load-")) / "base"
    if (source / "chroma").exists():
        shutil.copytree(source, data_dir, ignore=shutil.ignore_patterns("feedback.sqlite*"))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--data-dir", str(data_dir), "index"],
        cwd=ROOT,
        env=server_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return data_dir, time.perf_counter() - started


def scenario_dir(base: Path, name: str) -> Path:
    """A fresh copy of the indexed ``base`` for one scenario, with no question cached yet.

    The embedding cache keeps the vectors of questions asked before (``assistant eval`` asks
    every gold question): without dropping them every reader's question would skip the
    embedder, which a new question does not.
    """
    target = base.parent / name
    shutil.copytree(base, target)
    cache = target / "embeddings.sqlite"
    if cache.exists():
        with contextlib.closing(sqlite3.connect(cache)) as conn, conn:
            conn.execute("DELETE FROM vectors WHERE key LIKE '%|query|%'")
    return target


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env["ASSISTANT_RATE_LIMIT"] = "0"
    env.pop("ASSISTANT_LLM_BASE_URL", None)  # extractive: the answer path, not a model's
    env.pop("ASSISTANT_LLM_GGUF", None)
    return env


@contextlib.contextmanager
def serving(data_dir: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """The server in its own process; yields its URL, the process and seconds to start."""
    port = free_port()
    log = open(data_dir.parent / "server.log", "wb")  # noqa: SIM115  closed below
    command = [
        sys.executable, "-m", "assistant.cli", "--data-dir", str(data_dir),
        "serve", "--no-index", "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=server_env(), stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server stopped: see {log.name}")
            if time.perf_counter() - started > START_TIMEOUT:
                raise RuntimeError(f"the server did not start in {START_TIMEOUT} s")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/v1/models", timeout=2).status_code == 200:
                    break
            time.sleep(0.5)
        yield url, process, time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class ProcessSampler:
    """Resident memory and CPU seconds of the server process, sampled twice a second."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.rss_mb: list[float] = []
        self.cpu_start = self.cpu_seconds()
        self.started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    def rss(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(OSError):
                self.rss_mb.append(self.rss())
            self._stop.wait(0.5)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        elapsed = time.perf_counter() - self.started
        cpu = self.cpu_seconds() - self.cpu_start
        return {
            "rss_start_mb": round(self.rss_mb[0], 1) if self.rss_mb else 0.0,
            "rss_peak_mb": round(max(self.rss_mb), 1) if self.rss_mb else 0.0,
            "cpu_seconds": round(cpu, 1),
            "cores_busy": round(cpu / elapsed, 2),
        }


# --- scenarios ----------------------------------------------------------------------------


def run_scenario(
    url: str,
    pid: int,
    questions: list[str],
    users: int,
    seconds: float,
    attacks: list[str],
    max_bytes: int,
) -> dict[str, Any]:
    """Readers (and hostile clients) until ``seconds`` have passed; their figures."""
    readers, attackers = Tally(), Tally()
    start = time.perf_counter()
    deadline = start + seconds
    threads = [
        threading.Thread(target=reader, args=(url, n, questions, deadline, readers), daemon=True)
        for n in range(users)
    ]
    threads += [
        threading.Thread(
            target=ATTACKERS[name], args=(url, deadline, attackers, max_bytes), daemon=True
        )
        for name in attacks
    ]
    sampler = ProcessSampler(pid)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline + DRAIN_SECONDS - time.perf_counter()))
    stuck = sum(thread.is_alive() for thread in threads)
    elapsed = time.perf_counter() - start
    result: dict[str, Any] = {
        "users": users,
        "seconds": seconds,
        "wall_seconds": round(elapsed, 1),
        "readers": summarise(readers.records, elapsed),
        "server": sampler.stop(),
    }
    if attacks:
        result["hostile_clients"] = attacks
        result["hostile"] = hostile_counts(attackers.records)
    if stuck:
        result["threads_still_running"] = stuck
    return result


def summarise(records: list[Record], elapsed: float) -> dict[str, Any]:
    """Per door and overall: requests, answers/s, latency percentiles, errors by kind."""
    by_door: dict[str, list[Record]] = {}
    for record in records:
        by_door.setdefault(record.door, []).append(record)
    summary: dict[str, Any] = {"all": _figures(records, elapsed)}
    summary["all"]["distinct_questions"] = len({r.question for r in records})
    summary.update({door: _figures(by_door[door], elapsed) for door in sorted(by_door)})
    return summary


def _figures(records: list[Record], elapsed: float) -> dict[str, Any]:
    ok = sorted(r.seconds * 1000 for r in records if r.outcome == "ok")
    errors = Counter(r.outcome for r in records if r.outcome != "ok")
    return {
        "requests": len(records),
        "answers": len(ok),
        "answers_per_s": round(len(ok) / elapsed, 2) if elapsed else 0.0,
        "latency_ms": percentiles(ok),
        "errors": dict(errors.most_common()),
    }


def hostile_counts(records: list[Record]) -> dict[str, Any]:
    """Per kind of hostile request: how many, outcomes, median time to the refusal/answer."""
    kinds: dict[str, list[Record]] = {}
    for record in records:
        kinds.setdefault(record.door, []).append(record)
    return {
        kind: {
            "requests": len(rows),
            "outcomes": dict(Counter(r.outcome for r in rows).most_common()),
            "latency_ms": percentiles(sorted(r.seconds * 1000 for r in rows)),
        }
        for kind, rows in sorted(kinds.items())
    }


def percentiles(ordered: list[float]) -> dict[str, float | None]:
    """Nearest-rank p50/p95/p99 of sorted values (None when there are none)."""

    def rank(q: float) -> float | None:
        if not ordered:
            return None
        return round(ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))], 1)

    return {"p50": rank(0.5), "p95": rank(0.95), "p99": rank(0.99)}


def warm_up(url: str) -> None:
    """Questions (not among the readers') through every door: first-request costs aside."""
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as http:
        for door in DOORS:
            for question in ("Was macht die Allianz eigentlich?", "Who is this for, anyway?"):
                outcome = ASK[door](http, question, [])
                if outcome != "ok":
                    raise RuntimeError(f"warm-up through {door} failed: {outcome}")


def limits_in_effect() -> dict[str, Any]:
    """The edge settings the server reads from this environment (absent: not yet a setting)."""
    from assistant.settings import load_settings

    settings = load_settings()
    names = ("queue_size", "max_history", "max_request_bytes", "max_question_chars")
    return {"rate_limit": 0, **{name: getattr(settings, name, None) for name in names}}


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "head": git("rev-parse", "--short", "HEAD"),
        "subject": git("log", "-1", "--format=%s")[:120],
        "uncommitted": git("status", "--porcelain").splitlines(),
    }


def main(
    users: int = 50,
    seconds: float = 60.0,
    scenario: str = "both",
    hostile_users: int = 20,
    attacks: tuple[str, ...] = ("history", "flood", "oversize"),
    data_dir: str | None = None,
) -> dict[str, Any]:
    """Start the server, run the scenario(s), stop the server; one JSON-ready result."""
    questions = [json.loads(line)["question"] for line in QUESTIONS.open(encoding="utf-8")]
    limits = limits_in_effect()
    max_bytes = int(limits.get("max_request_bytes") or 1_000_000)
    result: dict[str, Any] = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": git_state(),
        "cores": os.cpu_count(),
        "limits": limits,
        "questions": len(questions),
    }
    base, index_seconds = prepare_data_dir(Path(data_dir) if data_dir else ROOT / "data")
    result["index_seconds"] = round(index_seconds, 1)
    runs: list[tuple[str, int, list[str]]] = [
        ("normal", users, []),
        ("hostile", hostile_users, list(attacks)),
    ]
    for name, readers, hostile in runs:
        if scenario not in (name, "both"):
            continue
        with serving(scenario_dir(base, name)) as (url, process, start_seconds):
            warm_up(url)
            print(
                f"{name}: {readers} readers, attacks {hostile or 'none'}, {seconds:g} s",
                file=sys.stderr,
                flush=True,
            )
            outcome = run_scenario(
                url, process.pid, questions, readers, seconds, hostile, max_bytes
            )
            outcome["server_start_seconds"] = round(start_seconds, 1)
            outcome["server_alive_after"] = process.poll() is None
            result[name] = outcome
    shutil.rmtree(base.parent, ignore_errors=True)  # kept (server.log) only when a run failed
    return result


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--users", type=int, default=50, help="readers in 'normal' (50)")
    parser.add_argument("--seconds", type=float, default=60.0, help="per scenario (60)")
    parser.add_argument("--scenario", choices=("normal", "hostile", "both"), default="both")
    parser.add_argument("--hostile-users", type=int, default=20, help="readers in 'hostile'")
    parser.add_argument(
        "--hostile", type=int, choices=(1, 2, 3), default=3, help="the first N of --attacks"
    )
    parser.add_argument(
        "--attacks",
        default="history,flood,oversize",
        help="hostile clients, comma-separated, each one client (history,flood,oversize)",
    )
    parser.add_argument("--data-dir", help="data directory to copy and serve (default ./data)")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 500 or not 1 <= args.hostile_users <= 500:
        parser.error("--users and --hostile-users: 1 to 500")
    if not 1 <= args.seconds <= 600:
        parser.error("--seconds: 1 to 600")
    attacks = tuple(a.strip() for a in args.attacks.split(",") if a.strip())[: args.hostile]
    unknown = [a for a in attacks if a not in ATTACKERS]
    if unknown or not attacks:
        parser.error(f"--attacks: one or more of {', '.join(ATTACKERS)}")
    result = main(
        args.users, args.seconds, args.scenario, args.hostile_users, attacks, args.data_dir
    )
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(cli())
