"""Keyword analysis and hybrid retrieval on small embedded fixtures (behaviour, not timing)."""

from pathlib import Path

import pytest

from assistant.embeddings import CachedEmbeddings
from assistant.retrieve.keyword import Analyzer, KeywordIndex, ocr_key
from assistant.wiring import build_assistant
from tests.conftest import make_settings


def index_of(texts: list[str], lang: str = "de") -> KeywordIndex:
    index = KeywordIndex()
    index.build([f"c{i}" for i in range(len(texts))], texts, [lang] * len(texts))
    return index


def test_umlaut_spellings_meet() -> None:
    index = index_of(["Das Forschungszentrum Jülich rechnet.", "Die Stadt Aachen plant."])
    for query in ("Jülich", "Juelich", "julich"):
        assert index.search(query, 1)[0][0] == 0, query


def test_compound_part_finds_the_compound() -> None:
    index = index_of(
        [
            "Die Hochschule betreibt ein Hochleistungsrechenzentrum für KI.",
            "Das Rathaus hat einen Ratssaal.",
            "Im Rechenzentrum stehen Server.",  # gives "rechenzentrum" to the vocabulary
        ]
    )
    top = [i for i, _ in index.search("Rechenzentrum", 3)]
    assert 0 in top


def test_ocr_noise_is_tolerated() -> None:
    assert ocr_key("juelich") == ocr_key("jilich")
    assert ocr_key("fuer") == ocr_key("fir")
    index = index_of(
        [
            "Das Blindnis mit dem Forschungszentrum Jilich wurde gegrindet.",
            "Ein anderer Text über Wetter.",
        ]
    )
    assert index.search("Forschungszentrum Jülich", 1)[0][0] == 0


def test_query_terms_try_both_stemmers() -> None:
    terms = Analyzer().query_terms("founding partners")
    assert "partner" in terms  # English stem


def test_coverage_flags_words_the_corpus_never_saw() -> None:
    index = index_of(["Die Allianz wurde in Aachen gegründet.", "Aachen ist eine Stadt."])
    question = "Wann wurde die Allianz gegründet?"
    inside = index.coverage(question, "Die Allianz wurde gegründet.", "de")
    outside = index.coverage("Wie wird das Wetter in Aachen?", "Aachen ist eine Stadt.", "de")
    assert inside > 0.9
    assert outside < 0.3


@pytest.fixture
def hybrid(tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings):
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    assistant.index()
    return assistant.retriever


def test_german_compound_query_finds_the_passage(hybrid) -> None:
    hits = hybrid.retrieve("Wo steht das Rechenzentrum mit dem Grafikprozessor-Cluster?", 3)
    assert "Hochleistungsrechenzentrum" in hits[0].text


def test_english_question_finds_german_passage(hybrid) -> None:
    hits = hybrid.retrieve("How is computing time allocated?", 3)
    assert "Rechenzeit" in hits[0].text
    assert hits[0].features["sentence"] >= hits[0].features["dense"] - 0.2


def test_metadata_filter_applies_to_both_stages(hybrid) -> None:
    hits = hybrid.retrieve("Roboter für Krankenhäuser", 5, where={"kind": "partner"})
    assert hits and all(h.metadata["kind"] == "partner" for h in hits)
    none = hybrid.retrieve("Roboter", 5, where={"topic_nlp": True})
    assert none == []


def test_hits_carry_quotable_sentences_only(hybrid) -> None:
    hits = hybrid.retrieve("Was kostet die Mitgliedschaft im Testnetzwerk?", 5)
    faq = next(h for h in hits if h.metadata["kind"] == "faq")
    quoted = [s for s, _ in faq.sentences]
    assert quoted == ["Die Mitgliedschaft im Testnetzwerk ist beitragsfrei."]


def test_build_filter_combines_facets() -> None:
    from assistant.retrieve.retriever import build_filter

    assert build_filter() is None
    assert build_filter(kind="partner") == {"kind": "partner"}
    assert build_filter(kind="partner", topic="robotics") == {
        "$and": [{"kind": "partner"}, {"topic_robotics": True}]
    }
