"""Schema validation: the bundled corpus passes; broken files fail with file:line messages."""

from pathlib import Path

import pytest

from index.loaders import load_corpus
from index.validation import CorpusError
from tests.conftest import FIXTURES, REAL_CORPUS, run_cli

BROKEN = FIXTURES / "broken"


def test_bundled_corpus_is_valid_and_complete() -> None:
    corpus = load_corpus(REAL_CORPUS)
    founding = {p.id for p in corpus.partners.values() if p.founding_partner}
    assert founding == {
        "stadt-aachen",
        "rwth-aachen",
        "fh-aachen",
        "forschungszentrum-juelich",
        "digitalhub-aachen",
    }
    assert len(corpus.faq) >= 30
    audiences = {a for entry in corpus.faq.values() for a in entry.audience}
    assert audiences == {"newcomer", "company", "staff"}
    for entry in corpus.faq.values():
        assert entry.questions.de and entry.questions.en and entry.answer.de and entry.answer.en
    kinds = {d.kind for d in corpus.documents}
    assert {"article", "article-scan", "guide", "partner", "faq"} <= kinds


def test_every_document_names_a_source_url() -> None:
    corpus = load_corpus(REAL_CORPUS)
    for doc in corpus.documents:
        assert doc.url and doc.url.startswith("http"), doc.key


def test_broken_corpus_reports_each_problem_with_its_line() -> None:
    with pytest.raises(CorpusError) as err:
        load_corpus(BROKEN)
    lines = str(err.value).splitlines()
    expected = [
        "documents/bad-language.md:3: language: Input should be 'de' or 'en'",
        "documents/no-front-matter.md:1: missing YAML front matter",
        "faq/bad-faq.yaml:14: entries.1.audience.0:",
        "faq/bad-faq.yaml:18: entries.1.answer.en: required field is missing",
        "partners/bad-partner.yaml:12: contact_routes.0.email: Value error, looks like a personal",
        "partners/bad-partner.yaml:15: favourite_colour: unknown field",
        "partners/missing-fields.yaml:1: description: required field is missing",
        "partners/missing-fields.yaml:7: last_verified: Input should be a valid date",
    ]
    for prefix in expected:
        assert any(line.startswith(prefix) for line in lines), (prefix, lines)
    assert len(lines) == len(expected)


def test_unknown_topic_and_parent_are_reported(tmp_path: Path) -> None:
    topics = "topics:\n  - {id: robotics, de: Robotik, en: Robotics}\n"
    (tmp_path / "topics.yaml").write_text(topics)
    (tmp_path / "partners").mkdir()
    (tmp_path / "partners" / "p.yaml").write_text(
        "id: p-one\nname: P One\nkind: company\nparent: nobody\n"
        "description: {de: Fiktiv und kurz., en: Fictional and short.}\n"
        "topics:\n  - robotics\n  - quantum-knitting\nlocation: Musterstadt\n"
        "sources: [https://example.org/p]\nlast_verified: 2025-01-01\n"
    )
    with pytest.raises(CorpusError) as err:
        load_corpus(tmp_path)
    text = str(err.value)
    assert "partners/p.yaml:8: topics.1: 'quantum-knitting' is not in topics.yaml" in text
    assert "partners/p.yaml:4: parent: unknown partner 'nobody'" in text


def test_a_starting_point_that_is_no_profile_is_reported(tmp_path: Path) -> None:
    (tmp_path / "contact.yaml").write_text(
        "fallback: {de: Fragen Sie die Stadt., en: Ask the city.}\npartner: city-hall\n"
        "sources: [https://example.org/c]\n"
    )
    with pytest.raises(CorpusError) as err:
        load_corpus(tmp_path)
    assert "contact.yaml:1: partner: unknown partner 'city-hall'" in str(err.value)


def test_a_word_naming_or_pointing_to_two_topics_is_reported(tmp_path: Path) -> None:
    """A question with that word could not tell the topics apart: need words count too."""
    (tmp_path / "topics.yaml").write_text(
        "topics:\n"
        "  - {id: robotics, de: Robotik, en: Robotics, synonyms: {de: [Greifer]}}\n"
        "  - {id: hpc, de: HPC, en: HPC, needs: {en: [gripper], de: [greifer]}}\n"
    )
    with pytest.raises(CorpusError) as err:
        load_corpus(tmp_path)
    assert "topics.yaml:3: hpc: 'greifer' already names topic 'robotics'" in str(err.value)


def test_yaml_alias_bomb_is_refused_with_its_line(tmp_path: Path) -> None:
    """Nine nested aliases (444 bytes, 387 million strings once expanded) are refused
    before anything walks them; the message names the first alias's line."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    (tmp_path / "topics.yaml").write_text(
        "topics:\n  - {id: robotics, de: Robotik, en: Robotics}\n"
    )
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "bomb.yaml").write_text("\n".join([*lines, "entries: *a8", ""]))
    with pytest.raises(CorpusError) as err:
        load_corpus(tmp_path)
    assert "faq/bomb.yaml:2: YAML aliases (*name) are not allowed" in str(err.value)


def test_gap_section_must_exist(tmp_path: Path) -> None:
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "d.md").write_text(
        "---\ntitle: Titel\nlanguage: de\nsources: [https://example.org]\ndate: 2025-01-01\n"
        "gap_sections: [Gibt es nicht]\n---\n\n# Abschnitt\n\nText.\n"
    )
    with pytest.raises(CorpusError, match="gap_sections: no heading 'Gibt es nicht'"):
        load_corpus(tmp_path)


@pytest.mark.e2e
def test_corpus_check_command_exit_codes() -> None:
    good = run_cli("corpus", "check", "--corpus", str(REAL_CORPUS))
    assert good.returncode == 0
    bad = run_cli("corpus", "check", "--corpus", str(BROKEN))
    assert bad.returncode == 1
    assert "partners/bad-partner.yaml:15: favourite_colour: unknown field" in bad.stderr
    assert "8 problem(s)" in bad.stderr
