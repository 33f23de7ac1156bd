"""Staff curation without a browser: targeted YAML edits, FAQ forms, grouping, stale, insights."""

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import yaml

from assistant.curation import faq_forms, insights, partner_forms, questions, stale, yaml_edit
from assistant.embeddings import CachedEmbeddings
from assistant.pipeline import Assistant
from assistant.wiring import build_assistant
from tests.conftest import REAL_CORPUS, make_settings

FAQ = REAL_CORPUS / "faq" / "staff.yaml"
PROFILE = REAL_CORPUS / "partners" / "fh-aachen.yaml"


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """Pairs of differing lines (files of the same length)."""
    a, b = before.splitlines(), after.splitlines()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def test_editing_one_field_leaves_every_other_byte() -> None:
    text = FAQ.read_text(encoding="utf-8")
    span = yaml_edit.entry_spans(text)["founding-speakers"]
    stored = yaml.safe_load(text)["entries"][1]
    edited = yaml_edit.update_mapping(text, span, stored, {**stored, "owner": "Anna Beispiel"})
    assert changed_lines(text, edited) == [
        ("    owner: Redaktion Wissensbasis", "    owner: Anna Beispiel")
    ]
    again = yaml.safe_load(edited)["entries"][1]
    assert again == {**stored, "owner": "Anna Beispiel"}


def test_a_profile_edit_keeps_comments_folded_text_and_flow_lists() -> None:
    text = PROFILE.read_text(encoding="utf-8")
    stored = yaml.safe_load(text)
    new = {**stored, "topics": [*stored["topics"], "hpc"], "location": "Aachen"}
    edited = yaml_edit.update_mapping(text, yaml_edit.whole_file(text), stored, new)
    pairs = changed_lines(text, edited)
    assert [p[1] for p in pairs] == [
        "topics: [robotics, mobility, digitalisation, technology-transfer, startups, education, "
        "sme-support, hpc]",
        "location: Aachen",
    ]
    assert yaml.safe_load(edited) == new
    added = {**stored, "unknown": [*stored["unknown"], {"de": "Neu.", "en": "New."}]}
    grown = yaml_edit.update_mapping(text, yaml_edit.whole_file(text), stored, added)
    assert yaml.safe_load(grown) == added
    assert grown.replace("  - de: Neu.\n    en: New.\n", "") == text


def test_mark_verified_changes_one_line_and_keeps_a_comment() -> None:
    text = "entries:\n  - id: a-b\n    owner: X\n    valid_until: 2020-01-01  # check\n"
    span = yaml_edit.entry_spans(text)["a-b"]
    out = yaml_edit.set_line_value(text, span, "valid_until", "2027-01-01")
    assert out == text.replace("2020-01-01", "2027-01-01")
    profile = PROFILE.read_text(encoding="utf-8")
    out = stale.verified_text(profile, "partner", "fh-aachen", "2030-02-03")
    assert changed_lines(profile, out) == [
        ("last_verified: 2026-11-27", "last_verified: 2030-02-03")
    ]


def test_append_and_remove_an_entry_in_the_files_layout() -> None:
    text = FAQ.read_text(encoding="utf-8")
    draft = faq_forms.FaqDraft(
        file="faq/staff.yaml",
        id="newsletter",
        questions_de=["Gibt es einen Newsletter?"],
        questions_en=["Is there a newsletter?"],
        answer_de="Ja, monatlich.",
        answer_en="Yes, monthly.",
        sources=["https://example.org/a", "https://example.org/b"],
        owner="Anna",
        valid_until="2027-06-30",
    )
    out = faq_forms.added_text(text, draft)
    assert out.startswith(text + "\n  - id: newsletter\n    audience: [newcomer]\n")
    assert "    sources:\n      - https://example.org/a\n" in out
    assert yaml.safe_load(out)["entries"][-1] == draft.entry()
    assert yaml_edit.remove_entry(out, "newsletter") == text
    middle = yaml_edit.remove_entry(text, "founding-speakers")
    assert "founding-speakers" not in middle and "\n\n\n" not in middle
    assert len(yaml.safe_load(middle)["entries"]) == len(yaml.safe_load(text)["entries"]) - 1


def test_flow_style_entries_are_left_to_the_yaml_editor() -> None:
    with pytest.raises(yaml_edit.NotEditable):
        yaml_edit.entry_spans("entries:\n  - {id: a, owner: b}\n")


def test_form_problems_name_the_field_and_ids_are_readable() -> None:
    draft = faq_forms.FaqDraft("faq/x.yaml", "x-y", ["Frage?"], [], "Ja.", "Yes.", [], "A", "bald")
    found = faq_forms.problems(draft)
    assert any(p.startswith("questions.en") for p in found)
    assert any(p.startswith("sources") for p in found)
    assert any(p.startswith("valid_until") for p in found)
    assert faq_forms.new_id("Wie groß ist das Büro?", set()) == "wie-gross-ist-das-buro"
    assert faq_forms.new_id("Wie groß ist das Büro?", {"wie-gross-ist-das-buro"}).endswith("-2")
    assert faq_forms.default_valid_until(12, dt.date(2026, 1, 31)) == "2027-01-28"
    assert faq_forms.lines(" a \n\n b\n") == ["a", "b"]


def test_wordings_are_grouped_by_similarity() -> None:
    rows = [
        {"question": q, "times": t, "last_asked": f"2026-01-0{i}"}
        for i, (q, t) in enumerate([("a", 3), ("b", 2), ("c", 1), ("d", 1)], start=1)
    ]
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.99, 0.05], [0.1, 0.995]])
    groups = questions.group(rows, vectors)
    assert [(g.questions, g.times, g.last_asked) for g in groups] == [
        (["a", "c"], 4, "2026-01-03"),
        (["b", "d"], 3, "2026-01-04"),
    ]


def test_stale_list_by_owner(tmp_path: Path, corpus_copy: Path) -> None:
    today = dt.date(2030, 12, 15)
    items = stale.stale_items(corpus_copy, today, warn_days=30, after_months=12)
    assert [(i.key, i.status, i.owner) for i in items] == [
        ("partners/beispiel-robotik.yaml#beispiel-robotik", "unverified", stale.PARTNER_OWNER),
        ("faq/general.yaml#faq-fee", "soon", "Testteam"),
        ("faq/general.yaml#faq-office", "soon", "Testteam"),
    ]
    later = stale.stale_items(corpus_copy, dt.date(2031, 1, 1), 0, 1000)
    assert {i.status for i in later} == {"expired"}
    assert stale.months_ago(dt.date(2026, 3, 31), 14) == dt.date(2025, 1, 28)


@pytest.fixture
def assistant(tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings) -> Assistant:
    built = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    built.index()
    return built


def test_from_unanswered_wordings_to_one_entry_that_answers_them(assistant: Assistant) -> None:
    asked = [
        "Gibt es einen Newsletter des Testnetzwerks?",
        "Hat das Testnetzwerk einen Newsletter?",
    ]
    for question in asked:
        answer = assistant.ask(question)
        assert answer.abstained
        assistant.record(question, answer)
    groups = questions.unanswered_groups(assistant)
    assert [sorted(g.questions) for g in groups] == [sorted(asked)]  # two wordings, one group
    opened = questions.prefill(assistant, asked[1], "anna", "faq/general.yaml")
    draft = opened.draft
    assert sorted(draft.questions_de) == sorted(asked) and draft.questions_en == []
    assert draft.owner == "anna"
    assert opened.suggestions and opened.suggestions[0].source.startswith("faq/general.yaml")
    draft.questions_en = ["Does the test network have a newsletter?"]
    draft.answer_de = "Ja, das Testnetzwerk verschickt monatlich einen Newsletter."
    draft.answer_en = "Yes, the test network sends a monthly newsletter."
    draft.sources = ["https://example.org/testnetz"]
    faq_forms.add(assistant, draft, "anna")
    for question in [*asked, "Verschickt das Testnetzwerk einen Newsletter?"]:
        answer = assistant.ask(question)
        assert not answer.abstained and "monatlich" in answer.answer, question
        assert answer.citations[0].source == f"faq/general.yaml#{draft.id}"
    # edit one field, then retire: the file's other bytes stay
    rel, stored = faq_forms.find(assistant.settings.corpus_dir, draft.id)
    before = assistant.corpus_file(rel)
    changed = faq_forms.draft_of(rel, stored)
    changed.answer_en = "Yes, a monthly newsletter."
    faq_forms.edit(assistant, draft.id, changed, "anna")
    assert len(changed_lines(before, assistant.corpus_file(rel))) == 1
    faq_forms.retire(assistant, rel, draft.id, "anna")
    assert draft.id not in assistant.corpus_file(rel)
    assert assistant.ask(asked[0]).abstained


def test_mark_verified_through_the_corpus_writer(assistant: Assistant) -> None:
    rel = "partners/beispiel-robotik.yaml"
    before = assistant.corpus_file(rel)
    stale.mark_verified(assistant, f"{rel}#beispiel-robotik", "anna", dt.date(2031, 5, 6))
    assert changed_lines(before, assistant.corpus_file(rel)) == [
        ("last_verified: 2025-01-15", "last_verified: 2031-05-06")
    ]
    faq = "faq/general.yaml"
    before = assistant.corpus_file(faq)
    stale.mark_verified(assistant, f"{faq}#faq-office", "anna", dt.date(2031, 5, 6))
    assert changed_lines(before, assistant.corpus_file(faq)) == [
        ("    valid_until: 2030-12-31", "    valid_until: 2032-05-06")
    ]
    assert assistant.staff is not None  # both writes are in the audit log, under the name
    logged = [(e["who"], e["path"], e["ok"]) for e in assistant.staff.audit_log(2)]
    assert logged == [("anna", faq, True), ("anna", rel, True)]


def test_insights_count_sources_and_the_never_cited(assistant: Assistant) -> None:
    for question in ["Wann wurde das Testnetzwerk Musterstadt gegründet?"] * 2 + ["Kekse?"]:
        assistant.record(question, assistant.ask(question))
    figures = insights.insights(assistant, 7)
    assert figures.questions == 3 and figures.answered == 2
    assert figures.answered_share == pytest.approx(2 / 3) and figures.helpful_share is None
    assert figures.top[0] == ("Wann wurde das Testnetzwerk Musterstadt gegründet?", 2, 2)
    assert figures.by_source == [("documents/testnetz.md", 2)]
    assert "partners/beispiel-robotik.yaml" in figures.never_cited
    assert "documents/testnetz.md" not in figures.never_cited
    path = insights.export_csv(assistant)
    assert path is not None and "Kekse?" in path.read_text(encoding="utf-8-sig")


def test_forms_opened_and_saved_unchanged_rewrite_nothing() -> None:
    """Every bundled FAQ entry and profile, through its form and back: the same bytes."""
    for rel, entry in faq_forms.entries(REAL_CORPUS):
        text = (REAL_CORPUS / rel).read_text(encoding="utf-8")
        assert faq_forms.edited_text(text, entry["id"], faq_forms.draft_of(rel, entry)) == text
    for rel, profile in partner_forms.profiles(REAL_CORPUS):
        text = (REAL_CORPUS / rel).read_text(encoding="utf-8")
        assert partner_forms.edited_text(text, partner_forms.draft_of(rel, profile)) == text


def test_a_profile_form_edit_changes_the_edited_fields_only(assistant: Assistant) -> None:
    rel = "partners/beispiel-robotik.yaml"
    before = assistant.corpus_file(rel)
    draft = partner_forms.draft_of(rel, yaml.safe_load(before))
    draft.topics = ["robotics", "hpc"]
    draft.routes.append(["Presse", "Press office", "https://example.org/presse", ""])
    draft.unknown = []
    partner_forms.edit(assistant, draft, "anna")
    after = assistant.corpus_file(rel)
    assert "topics: [robotics, hpc]\n" in after
    assert "  - label:\n      de: Presse\n      en: Press office\n" in after
    assert "unknown" not in after and after.startswith("# FICTIONAL test partner")
    stored = yaml.safe_load(after)
    assert stored["contact_routes"][0] == yaml.safe_load(before)["contact_routes"][0]


def test_two_forms_saved_at_once_both_land(assistant: Assistant) -> None:
    """Read, change and write are one step: neither of two concurrent saves is lost."""
    import threading

    def entry(n: int) -> faq_forms.FaqDraft:
        return faq_forms.FaqDraft(
            file="faq/general.yaml",
            id=f"parallel-{n}",
            questions_de=[f"Parallele Frage {n}?"],
            questions_en=[f"Parallel question {n}?"],
            answer_de=f"Antwort {n}.",
            answer_en=f"Answer {n}.",
            sources=["https://example.org/testnetz"],
            owner="anna",
            valid_until="2030-01-01",
        )

    threads = [
        threading.Thread(target=faq_forms.add, args=(assistant, entry(n), "anna")) for n in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [e["id"] for _, e in faq_forms.entries(assistant.settings.corpus_dir)]
    assert {"parallel-1", "parallel-2"} <= set(ids)


def test_retiring_a_profile_others_name_as_parent_is_refused(tmp_path: Path) -> None:
    """Removal goes through the same whole-corpus check; the refusal names the reason."""
    import shutil

    from index.editing import stage_change
    from index.validation import CorpusError

    corpus = tmp_path / "corpus"
    shutil.copytree(REAL_CORPUS, corpus)
    with pytest.raises(CorpusError) as refused:
        stage_change(corpus, {}, remove=["partners/fh-aachen.yaml"])
    assert "unknown partner 'fh-aachen'" in str(refused.value.problems[0])
    changes = stage_change(corpus, {}, remove=["partners/ki-nrw.yaml"])
    assert changes[0].after is None and changes[0].before is not None
    with pytest.raises(CorpusError):
        stage_change(corpus, {}, remove=["partners/no-such.yaml"])
    assert (corpus / "partners" / "fh-aachen.yaml").exists()
