"""The ``assistant`` command: index, ask, serve, eval, feedback, corpus check/import-url, staff.

Each subcommand builds the settings once, calls one function, prints its result. Exit codes:
0 success, 1 a problem with the data (corpus errors, a rejected question), 2 configuration.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.models import QuestionError
from assistant.retrieve.retriever import FILTER_KINDS, build_filter
from assistant.settings import Settings, SettingsError, load_settings
from assistant.staff_accounts import StaffError
from index.store import StoreError
from index.validation import CorpusError


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if getattr(args, "corpus", None):
        out["corpus_dir"] = Path(args.corpus)
    if getattr(args, "data_dir", None):
        out["data_dir"] = Path(args.data_dir)
    return out


def _index(assistant: Any, quiet: bool = False) -> Any:
    """``assistant.index()`` with a progress bar on stderr (at a terminal, unless ``quiet``)."""
    from assistant.progress import ProgressBar
    from index.indexer import reporting_progress

    bar = ProgressBar(disable=True if quiet else None)
    try:
        with reporting_progress(bar):
            return assistant.index()
    finally:
        bar.close()


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """Validate the corpus and bring the index up to date, with a progress bar."""
    if args.check:
        return cmd_check(args, settings)
    from assistant.wiring import build_assistant

    report = _index(build_assistant(settings), quiet=args.no_progress)
    print(f"indexed {settings.corpus_dir}: {report.summary()}")
    return 0


def cmd_import_url(args: argparse.Namespace, settings: Settings) -> int:
    """Fetch a web page, store its main text as a corpus document and index it."""
    import getpass

    from assistant.wiring import build_assistant
    from index.editing import IndexingFailed
    from index.url_import import ImportRefused, import_url

    assistant = build_assistant(settings)
    try:
        result = import_url(
            assistant,
            args.url,
            f"{getpass.getuser()} (cli)",
            name=args.name,
            title=args.title,
            language=args.language,
            allow_private=args.allow_private,
            timeout=args.timeout,
        )
    except ImportRefused as exc:
        print(f"error: {exc.message}; nothing was written", file=sys.stderr)
        return 1
    except IndexingFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"imported {result.summary()}")
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate every corpus file; print ``file:line: problem`` lines."""
    from index.loaders import load_corpus

    corpus = load_corpus(settings.corpus_dir)
    print(
        f"{settings.corpus_dir}: OK ({len(corpus.documents)} indexable texts, "
        f"{len(corpus.partners)} partners, {len(corpus.faq)} FAQ entries)"
    )
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question from the index."""
    from assistant.wiring import build_assistant

    started = time.perf_counter()
    assistant = build_assistant(settings)
    if assistant.chunk_count() == 0:
        assistant.index()
    ready = time.perf_counter()
    where = build_filter(args.kind, args.topic, args.language, args.partner)
    answer = assistant.ask(" ".join(args.question), where=where)
    done = time.perf_counter()
    if args.json:
        print(json.dumps(answer.contract(), ensure_ascii=False))
    else:
        if answer.notice:  # e.g. the LLM endpoint failed: say why this is the extractive answer
            print(f"({answer.notice})", file=sys.stderr)
        print(answer.answer)
        for c in answer.citations:
            print(f"[{c.n}] {c.title} — {c.source}" + (f" <{c.url}>" if c.url else ""))
        print(
            f"({answer.mode}; start {ready - started:.2f} s, answer {done - ready:.3f} s)",
            file=sys.stderr,
        )
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Evaluate retrieval and answers; print a table or the JSON report."""
    from assistant.evaluation import run_eval

    questions = Path(args.questions or settings.corpus_dir / "eval" / "gold-test.jsonl")
    passages = Path(args.passages) if args.passages else None
    report = run_eval(settings, questions, passages, args.retriever, args.mode)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(
        f"retriever {report['retriever']}: {report['questions']} questions, "
        f"index {report['index_seconds']} s"
    )
    rows = [("all", report)] + sorted(report["by_lang"].items())
    for name, row in rows:
        print(
            f"  {name:4} n={row['n']:4}  hit@1={row['hit@1']:.3f}  hit@5={row['hit@5']:.3f}"
            f"  mrr@10={row['mrr@10']:.3f}"
        )
    print(
        f"  latency ms: retrieval {report['latency_ms']}, answer {report['answer_latency_ms']}, "
        f"whole ask {report['ask_latency_ms']}"
    )
    for key in ("abstention", "answers", "partners", "llm"):
        if key in report:
            print(f"  {key}: {report[key]}")
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    """Print what readers asked in vain and which answers they rated unhelpful."""
    from assistant.feedback import FeedbackLog

    log = FeedbackLog(settings.feedback_path)
    report: dict[str, Any] = {
        "summary": log.summary(),
        "unanswered": log.unanswered(args.limit),
        "disliked": log.disliked(args.limit),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    counts = report["summary"]
    print(
        f"{counts['questions']} questions, {counts['abstained']} unanswered; "
        f"ratings: {counts['helpful']} helpful, {counts['unhelpful']} unhelpful"
    )
    print("\nunanswered (times asked, last asked):")
    for row in report["unanswered"]:
        print(f"  {row['times']:3}  {row['last_asked']}  {row['question']}")
    print("\nrated unhelpful:")
    for row in report["disliked"]:
        print(f"  {row['rated_at']}  {row['question']}  -> {', '.join(row['sources']) or '-'}")
        if row["comment"]:
            print(f"      comment: {row['comment']}")
    return 0


def _new_password(args: argparse.Namespace) -> str:
    """The password of ``staff add``: one line of stdin, or typed twice at a terminal."""
    import getpass

    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        raise StaffError("the two passwords differ")
    return first


def cmd_staff(args: argparse.Namespace, settings: Settings) -> int:
    """Manage staff accounts and show the audit log of corpus changes."""
    from assistant.staff_accounts import BOOTSTRAP_NAME, StaffAccounts

    accounts = StaffAccounts.from_settings(settings)
    if args.staff_command == "add":
        accounts.add(args.name, _new_password(args), replace=args.replace)
        print(f"account {args.name!r} {'updated' if args.replace else 'added'}")
    elif args.staff_command == "remove":
        if not accounts.remove(args.name):
            print(f"error: no account {args.name!r}", file=sys.stderr)
            return 1
        print(f"account {args.name!r} removed")
    elif args.staff_command == "list":
        for row in accounts.accounts():
            print(f"{row['name']}\t(created {row['created']})")
        if accounts.bootstrap and BOOTSTRAP_NAME not in {n.lower() for n in accounts.names()}:
            print(f"{BOOTSTRAP_NAME}\t(ASSISTANT_STAFF_PASSWORD; individual accounts are better)")
        if not accounts.enabled:
            print("no accounts, the staff tab is closed: assistant staff add NAME", file=sys.stderr)
    else:
        entries = accounts.audit_log(args.limit)
        if args.json:
            print(json.dumps(entries, ensure_ascii=False))
            return 0
        for e in entries:
            result = {True: "ok", False: "FAILED", None: "UNFINISHED"}[e["ok"]]
            print(
                f"{e['at']}  {e['who']}  {e['action']}  {e['path']}  "
                f"{e['before_sha256'][:12] or '(new)'} -> {e['after_sha256'][:12]}  {result}"
                + (f"  {e['detail']}" if e["detail"] else "")
            )
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Index (unless told not to) and serve the Gradio chat."""
    from api.server import serve
    from assistant.wiring import build_assistant

    assistant = build_assistant(settings)
    if not args.no_index:
        print(f"indexing {settings.corpus_dir} ...", flush=True)
        print(_index(assistant).summary(), flush=True)
    serve(assistant, host=args.host or settings.host, port=args.port or settings.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (separate so tests and docs can inspect it)."""
    parser = argparse.ArgumentParser(prog="assistant", description=__doc__)
    parser.add_argument("--data-dir", help="generated state (default ASSISTANT_DATA_DIR or ./data)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="validate the corpus and update the index")
    p.add_argument("--corpus", help="corpus directory (default ./corpus)")
    p.add_argument("--check", action="store_true", help="only validate, write nothing")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("corpus", help="knowledge-base maintenance")
    corpus_sub = p.add_subparsers(dest="corpus_command", required=True)
    c = corpus_sub.add_parser("check", help="validate every corpus file")
    c.add_argument("--corpus", help="corpus directory (default ./corpus)")
    c.set_defaults(func=cmd_check)
    c = corpus_sub.add_parser(
        "import-url", help="fetch a web page, store its main text as a document, index it"
    )
    c.add_argument("url", help="http(s) address of the page")
    c.add_argument("--name", help="file name in corpus/documents (default: from the URL)")
    c.add_argument("--title", help="title (default: the page's own)")
    c.add_argument("--language", choices=("de", "en"), help="(default: the page's, else guessed)")
    c.add_argument("--timeout", type=float, default=20.0, help="seconds (default 20)")
    c.add_argument(
        "--allow-private",
        action="store_true",
        help="allow local and private addresses (an intranet); refused by default",
    )
    c.add_argument("--corpus", help="corpus directory (default ./corpus)")
    c.set_defaults(func=cmd_import_url)

    p = sub.add_parser("ask", help="answer one question")
    p.add_argument("question", nargs="+")
    p.add_argument("--json", action="store_true", help="print the JSON contract")
    p.add_argument("--kind", choices=FILTER_KINDS, help="only this kind of source")
    p.add_argument("--topic", help="only partners with this topic id (corpus/topics.yaml)")
    p.add_argument("--language", choices=("de", "en"), help="only sources in this language")
    p.add_argument("--partner", help="only this partner's profile (its id)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help="serve the Gradio chat")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--no-index", action="store_true", help="serve the index as it is")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("feedback", help="unanswered questions and answers rated unhelpful")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--limit", type=int, default=50, help="rows per list (default 50)")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("staff", help="staff accounts and the audit log of corpus changes")
    staff_sub = p.add_subparsers(dest="staff_command", required=True)
    s = staff_sub.add_parser("add", help="add an account (the password is asked for)")
    s.add_argument("name", help="2-40 characters: letters, digits, '.', '_', '-'")
    s.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin (one line)"
    )
    s.add_argument("--replace", action="store_true", help="set a new password for an account")
    s = staff_sub.add_parser("remove", help="remove an account (its sessions end)")
    s.add_argument("name")
    staff_sub.add_parser("list", help="list the accounts")
    s = staff_sub.add_parser("audit", help="the last corpus changes, newest first")
    s.add_argument("--limit", type=int, default=50, help="entries (default 50)")
    s.add_argument("--json", action="store_true", help="print one JSON list")
    p.set_defaults(func=cmd_staff)

    p = sub.add_parser("eval", help="measure retrieval and answers on JSONL data")
    p.add_argument("--questions", help="questions JSONL (default corpus/eval/gold-test.jsonl)")
    p.add_argument("--passages", help="passages JSONL (default: the corpus itself)")
    p.add_argument("--retriever", default="default", help="default, dense or baseline")
    p.add_argument(
        "--mode",
        choices=("extractive", "llm"),
        default="extractive",
        help="answers to measure: offline extracts, or the configured LLM (endpoint or GGUF)",
    )
    p.add_argument("--corpus", help="corpus directory when no --passages are given")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``assistant`` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(**_overrides(args))
        result: int = args.func(args, settings)
        return result
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except CorpusError as exc:
        print(str(exc), file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); the index was not changed.", file=sys.stderr)
        return 1
    except (QuestionError, StaffError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
