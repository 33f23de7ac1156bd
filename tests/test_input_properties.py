"""Properties of the input edge: whatever a client sends, the answer is an answer or a clear
refusal, never a crash, and nothing reaches retrieval or the disk that was not checked.

Hypothesis draws the inputs (any text, control characters, huge lengths, forged histories,
JSON of any shape for filters and the OpenAI request, hostile file names, YAML edits). One
small indexed assistant per module (the fixture corpus) answers all examples; it has
``max_question_chars`` 200 so that the longest accepted random question embeds quickly; the
properties are stated in terms of the setting, whatever its value.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import string
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from api.openai_compat import ChatRequest
from api.requests import ask_json
from assistant.embeddings import CachedEmbeddings
from assistant.models import Answer, QuestionError
from assistant.pipeline import Assistant
from assistant.retrieve.retriever import FILTER_KINDS
from assistant.wiring import build_assistant
from index.editing import apply_change, document_files
from index.loaders import load_corpus
from index.validation import CorpusError
from tests.conftest import FIXTURE_CORPUS, make_settings

LIMIT = 200  # the test assistant's max_question_chars
FAQ_FILE = "faq/general.yaml"


def examples(count: int) -> settings:
    """Hypothesis settings for ``count`` examples.

    One assistant answers every example: the health checks about function-scoped fixtures
    (``isolated_env`` runs once per test, not per example) and slow or large data are moot.
    """
    return settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


@contextlib.contextmanager
def clean_env(workdir: Path) -> Iterator[None]:
    """What ``isolated_env`` does per test, for a module fixture (built before it runs)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("ASSISTANT_") or name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
                patch.delenv(name)
        patch.chdir(workdir)
        yield


def indexed_assistant(root: Path, embeddings: CachedEmbeddings) -> Assistant:
    corpus = root / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    with clean_env(root):
        assistant = build_assistant(
            make_settings(root, corpus, max_question_chars=LIMIT), embeddings
        )
        assistant.index()
    return assistant


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings) -> Assistant:
    """The assistant every question, history and filter example is asked of."""
    return indexed_assistant(tmp_path_factory.mktemp("properties"), embeddings)


@pytest.fixture(scope="module")
def editable(tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings) -> Assistant:
    """An assistant of its own for corpus edits (they change its corpus and index)."""
    return indexed_assistant(tmp_path_factory.mktemp("edits"), embeddings)


# --- strategies -----------------------------------------------------------------------------

WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u3000"


def repeated(max_chars: int) -> st.SearchStrategy[str]:
    """Long texts: a piece repeated, up to ``max_chars`` characters."""
    return st.builds(
        lambda piece, times: (piece * times)[:max_chars],
        st.text(min_size=1, max_size=40),
        st.integers(min_value=1, max_value=max_chars),
    )


QUESTIONS = st.one_of(
    st.text(),
    st.text(alphabet=WHITESPACE),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn"])),
    repeated(10 * LIMIT + 10),
    st.builds(
        lambda pad, words, pad2: pad + words + pad2,
        st.text(alphabet=WHITESPACE, max_size=50),
        st.sampled_from(["Wer betreibt das Hochleistungsrechenzentrum?", "x", "a b"]),
        st.text(alphabet=WHITESPACE, max_size=5 * LIMIT),
    ),
)
HISTORY_ENTRIES = st.one_of(
    st.text(max_size=60), st.text(alphabet=WHITESPACE, max_size=10), repeated(20 * LIMIT)
)
HISTORIES = st.one_of(
    st.lists(HISTORY_ENTRIES, max_size=60),
    st.builds(lambda entry, n: [entry] * n, HISTORY_ENTRIES, st.integers(0, 10_000)),
)
FOLLOW_UPS = [
    "Und wann wurde es gegründet?",
    "Wer betreibt das?",
    "And where is it?",
    "What does it cost?",
    "Wer betreibt das Hochleistungsrechenzentrum?",
]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
OPERATORS = st.sampled_from(["$ne", "$in", "$nin", "$gt", "$eq", "$or", "$and", "$contains"])
INJECTIONS = st.one_of(
    st.builds(lambda op, v: {op: v}, OPERATORS, JSON),
    st.builds(lambda op, v: f'{{"{op}": "{v}"}}', OPERATORS, st.sampled_from(FILTER_KINDS)),
)


def filter_values(known: list[str]) -> st.SearchStrategy[Any]:
    """A filter value: mostly none or a known one, else anything a client could send."""
    anything = st.one_of(st.just(""), st.text(max_size=20), INJECTIONS, JSON)
    return st.one_of(st.none(), st.sampled_from(known), anything)


CONTENT_PARTS = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["text", "image_url"]) | JSON,
            "text": st.text(max_size=20) | JSON,
        },
    )
    | JSON,
    max_size=3,
)
ROLES = ["user", "assistant", "system", "developer", "tool"]
MESSAGES = st.lists(
    st.fixed_dictionaries(  # well-formed but for the content
        {
            "role": st.sampled_from(ROLES),
            "content": st.none() | st.text(max_size=30) | CONTENT_PARTS,
        },
        optional={"name": JSON},
    )
    | st.fixed_dictionaries(  # anything in the places of a message
        {},
        optional={
            "role": st.sampled_from([*ROLES, "bot"]) | JSON,
            "content": st.text(max_size=30) | CONTENT_PARTS | JSON,
            "name": JSON,
        },
    ),
    max_size=4,
)
CHAT_BODIES = st.one_of(
    JSON,
    st.fixed_dictionaries(
        {"messages": MESSAGES | JSON},
        optional={
            "model": JSON,
            "stream": JSON,
            "filters": st.fixed_dictionaries(
                {}, optional={"kind": JSON, "topic": JSON, "language": JSON, "$where": JSON}
            )
            | JSON,
            "tools": JSON,
        },
    ),
)
PREFIXES = ["", "../", "../../", "/", "/etc/", "documents/../../", "..\\..\\", "C:\\", "./",
            "~/", "\x00", "a/b/", "faq/", "documents/", "\u202e", "."]  # fmt: skip
SUFFIXES = [".md", ".txt", ".pdf", ".html", ".htm", ".MD", ".Txt", "", ".exe", ".yaml",
            ".md\x00.txt", "/..", ".md/..", ".meta.yaml", ".md.meta.yaml"]  # fmt: skip
FILENAMES = st.one_of(
    st.text(),
    st.builds(
        lambda prefix, stem, suffix: prefix + stem + suffix,
        st.sampled_from(PREFIXES),
        st.text(max_size=30) | repeated(400) | st.sampled_from(["..", ".", "passwd", "README"]),
        st.sampled_from(SUFFIXES),
    ),
)
ACADEMY = b"Die Testakademie bietet donnerstags einen Kurs an."
GOOD_META = {"title": "Testdokument", "language": "de", "source": "https://example.org/dokument"}
METAS = st.fixed_dictionaries(
    {
        "title": st.just(GOOD_META["title"]) | st.text(max_size=40),
        "language": st.sampled_from(["de", "en"]) | st.text(max_size=4),
        "source": st.just(GOOD_META["source"]) | st.text(max_size=30),
    },
    optional={"kind": st.sampled_from(["document", "guide"]) | st.text(max_size=10)},
)
BODIES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8")),
    st.just(ACADEMY),
)


# --- questions and histories ----------------------------------------------------------------


@examples(60)
@given(question=QUESTIONS)
def test_any_question_is_answered_or_refused_with_a_message(
    assistant: Assistant, question: str
) -> None:
    cleaned = " ".join(question.split())
    try:
        answer = assistant.ask(question)
    except QuestionError as exc:
        event("refused")
        assert str(exc).strip()
        assert not cleaned or len(cleaned) > assistant.settings.max_question_chars
        return
    event("answered")
    assert isinstance(answer, Answer)
    assert 1 <= len(cleaned) <= assistant.settings.max_question_chars


def history_limit(assistant: Assistant) -> int:
    """The number of earlier questions kept: the setting, or the old module constant."""
    limit = getattr(assistant.settings, "max_history", None)
    if limit is None:
        from assistant import pipeline

        limit = pipeline.MAX_HISTORY  # type: ignore[attr-defined]
    return int(limit)


@examples(150)
@given(history=HISTORIES)
def test_history_is_bounded_like_questions(assistant: Assistant, history: list[str]) -> None:
    kept = assistant.check_history(history)
    limit = assistant.settings.max_question_chars
    assert len(kept) <= history_limit(assistant)
    recent = [" ".join(h.split()) for h in history[-history_limit(assistant) :]]
    for entry in kept:
        assert entry.strip()
        assert entry.rstrip() == " ".join(entry.split())  # collapsed (the cut may end in " ")
        assert len(entry) <= limit
        assert any(r.startswith(entry) for r in recent)  # from the last entries, only cut


@examples(20)
@given(question=st.sampled_from(FOLLOW_UPS), history=HISTORIES)
def test_any_history_with_a_valid_question_gets_an_answer(
    assistant: Assistant, question: str, history: list[str]
) -> None:
    assert isinstance(assistant.ask(question, history), Answer)


# --- filters of the front doors -------------------------------------------------------------


@contextlib.contextmanager
def recorded_filters(assistant: Assistant) -> Iterator[list[Any]]:
    """Every ``where`` that reaches the retriever while the block runs."""
    seen: list[Any] = []
    retriever = assistant.retriever
    original = retriever.retrieve

    def recording(query: str, k: int, where: dict[str, Any] | None = None) -> Any:
        seen.append(where)
        return original(query, k, where)

    retriever.retrieve = recording  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del retriever.retrieve  # the class's method again


def clauses(where: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not where:
        return []
    return list(where["$and"]) if "$and" in where else [where]


@examples(60)
@given(data=st.data())
def test_filters_of_any_shape_are_refused_unless_known(
    assistant: Assistant, data: st.DataObject
) -> None:
    kind = data.draw(filter_values(list(FILTER_KINDS)), "kind")
    topic = data.draw(filter_values(assistant.topics or ["robotics"]), "topic")
    language = data.draw(filter_values(["de", "en"]), "language")
    history: Any = data.draw(st.none() | st.lists(JSON, max_size=5), "history")
    question = data.draw(st.sampled_from(FOLLOW_UPS) | st.text(max_size=50), "question")
    with recorded_filters(assistant) as seen:
        result = ask_json(assistant, question, history, kind, topic, language)
    assert isinstance(result, dict)
    unknown = (
        (kind and kind not in FILTER_KINDS)
        or (topic and topic not in assistant.topics)
        or (language and language not in ("de", "en"))
    )
    event("unknown filter" if unknown else "known filters")
    if unknown:
        assert "error" in result and isinstance(result["error"], str)
        assert not seen  # nothing was retrieved
        return
    assert "error" in result or {"answer", "citations", "mode", "abstained"} <= set(result)
    for where in seen:
        for clause in clauses(where):
            ((key, value),) = clause.items()
            if key == "kind":
                assert value in FILTER_KINDS
            elif key == "language":
                assert value in ("de", "en")
            else:
                assert key.startswith("topic_") and key[len("topic_") :] in assistant.topics
                assert value is True


@examples(60)
@given(question=JSON, history=JSON)
@example(question=5, history=None)  # Gradio's /ask passes the client's JSON as it came
@example(question="Wer betreibt das?", history=5)
def test_ask_json_refuses_question_and_history_of_any_json_type(
    assistant: Assistant, question: Any, history: Any
) -> None:
    """The Gradio API checks no types: ``/ask`` hands ``ask_json`` whatever JSON was sent."""
    result = ask_json(assistant, question, history)
    assert isinstance(result, dict)
    assert "error" in result or {"answer", "citations", "mode", "abstained"} <= set(result)
    if not isinstance(question, str):
        assert "error" in result


# --- the OpenAI request model ---------------------------------------------------------------


@examples(300)
@given(body=CHAT_BODIES)
def test_chat_request_validates_or_raises_validation_error(body: Any) -> None:
    try:
        chat = ChatRequest.model_validate(body)
    except ValidationError:
        event("invalid")
        return
    event("valid")
    assert chat.messages
    for message in chat.messages:
        assert isinstance(message.text, str)
    if chat.filters is not None:
        for value in (chat.filters.kind, chat.filters.topic, chat.filters.language):
            assert value is None or isinstance(value, str)


# --- uploads --------------------------------------------------------------------------------


def safe_relative(rel: str) -> bool:
    path = PurePosixPath(rel)
    return (
        not path.is_absolute()
        and "\\" not in rel
        and "\x00" not in rel
        and ".." not in path.parts
        and len(path.parts) == 2
        and path.parts[0] == "documents"
        and path.parts[1] not in (".", "")
    )


@examples(400)
@given(filename=FILENAMES, data=BODIES, meta=METAS)
def test_uploaded_file_names_stay_in_documents(
    filename: str, data: bytes, meta: dict[str, Any]
) -> None:
    try:
        files = document_files(filename, data, meta)
    except ValueError as exc:  # CorpusError is one
        event("refused")
        assert str(exc).strip()
        return
    event("named")
    assert files
    for rel in files:
        assert safe_relative(rel), rel


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@examples(40)
@given(filename=FILENAMES, data=BODIES, meta=METAS)
@example(filename="0" * 231 + ".HTM", data=ACADEMY, meta=GOOD_META)  # sidecar's temp too long
@example(filename="a" * 300 + ".md", data=ACADEMY, meta=GOOD_META)  # the name itself too long
def test_an_upload_is_written_inside_documents_or_refused(
    tmp_path_factory: pytest.TempPathFactory, filename: str, data: bytes, meta: dict[str, Any]
) -> None:
    """``apply_change`` of what ``document_files`` makes, as ``Assistant.add_document`` does."""
    sandbox = tmp_path_factory.mktemp("upload")
    corpus = sandbox / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    before = tree(sandbox)
    try:
        apply_change(corpus, document_files(filename, data, meta))
    except CorpusError as exc:
        assert str(exc).strip()
        assert tree(sandbox) == before
        return
    after = tree(sandbox)
    added = {rel for rel in after if rel not in before}
    assert added and all(rel.startswith("corpus/documents/") for rel in added)
    assert {rel: after[rel] for rel in before} == before
    load_corpus(corpus)


# --- YAML edits -----------------------------------------------------------------------------


def faq_variants(original: str) -> st.SearchStrategy[str]:
    """Edited FAQ files: arbitrary text, the original with text inserted, valid YAML changed."""
    entries = yaml.safe_load(original)

    def with_answer(answer: str) -> str:
        changed = yaml.safe_load(original)
        changed["entries"][0]["answer"]["de"] = answer
        return yaml.safe_dump(changed, allow_unicode=True, sort_keys=False)

    def with_entry(entry: dict[str, Any]) -> str:
        changed = {"entries": [*entries["entries"], entry]}
        return yaml.safe_dump(changed, allow_unicode=True, sort_keys=False)

    inserted = st.builds(
        lambda at, text: original[:at] + text + original[at:],
        st.integers(0, len(original)),
        st.text(min_size=1, max_size=20) | st.sampled_from([":", "- ", "\t", "{", "&a *a", "'"]),
    )
    answers = st.text(min_size=1, max_size=120).map(with_answer)
    return st.one_of(
        st.text(max_size=200),
        inserted,
        answers,
        answers,  # twice: valid edits (saved and re-indexed) are as likely as broken ones
        st.dictionaries(
            st.sampled_from(["id", "questions", "answer", "sources", "owner", "audience"]),
            JSON,
            max_size=6,
        ).map(with_entry),
        st.just(original),
    )


ORIGINAL_FAQ = (FIXTURE_CORPUS / FAQ_FILE).read_text(encoding="utf-8")


@examples(15)
@given(text=faq_variants(ORIGINAL_FAQ))
def test_faq_edits_leave_a_valid_corpus(editable: Assistant, text: str) -> None:
    corpus = editable.settings.corpus_dir
    before = (corpus / FAQ_FILE).read_text(encoding="utf-8")
    try:
        editable.save_corpus_file(FAQ_FILE, text)
    except CorpusError as exc:
        event("edit refused")
        assert str(exc).strip()
        assert (corpus / FAQ_FILE).read_text(encoding="utf-8") == before
    else:
        event("edit saved and indexed")
        assert (corpus / FAQ_FILE).read_bytes() == text.encode("utf-8")
    load_corpus(corpus)


EDIT_PATHS = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda prefix, name: prefix + name,
        st.sampled_from(PREFIXES + ["faq/../", "partners/../../", "faq/./"]),
        st.sampled_from(["general.yaml", "topics.yaml", "contact.yaml", "passwd", "x.yaml"])
        | st.text(alphabet=string.ascii_lowercase + "./", max_size=20),
    ),
)


@examples(150)
@given(rel=EDIT_PATHS, text=st.text(max_size=50))
def test_only_editable_files_can_be_read_or_written(
    editable: Assistant, rel: str, text: str
) -> None:
    corpus = editable.settings.corpus_dir
    allowed = {"faq/general.yaml", "partners/beispiel-robotik.yaml"}
    if rel in allowed:
        return  # edited by the test above; here only what must be refused
    before = tree(corpus)
    with pytest.raises(CorpusError):
        editable.corpus_file(rel)
    with pytest.raises(CorpusError):
        editable.save_corpus_file(rel, text)
    assert tree(corpus) == before
