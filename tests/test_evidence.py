"""Which sentences an answer is built from: ranking, twins, gap statements (unit tests)."""

from assistant.answer.evidence import Ranking, gather, in_question_language
from assistant.retrieve.hit import Hit


def hit(id: str, score: float, sentences: list[tuple[str, float]], **kw) -> Hit:
    h = Hit(id, " ".join(s for s, _ in sentences), score, **kw)
    h.sentences = sentences
    return h


def test_the_other_language_twin_of_a_source_is_dropped() -> None:
    de = Hit("1", "x", 0.9, source="partners/a.yaml", language="de")
    en = Hit("2", "x", 0.8, source="partners/a.yaml", language="en")
    only_de = Hit("3", "x", 0.7, source="documents/b.md", language="de")
    assert in_question_language([de, en, only_de], "en") == [en, only_de]
    assert in_question_language([de, en, only_de], "de") == [de, only_de]


def test_sentences_of_a_much_better_chunk_win_over_a_slightly_closer_sentence() -> None:
    best = hit("1", 0.95, [("Das Lamarr-Institut ist ein KI-Kompetenzzentrum.", 0.80)])
    other = hit("2", 0.80, [("Die FH Aachen hat Standorte in Aachen und Jülich.", 0.82)])
    evidence = gather("Was ist das Lamarr-Institut?", "de", [best, other], embeddings=None)  # type: ignore[arg-type]
    assert evidence.chosen[0].hit is best
    plain = gather(
        "Was ist das Lamarr-Institut?",
        "de",
        [best, other],
        None,
        ranking=Ranking(chunk=0.0),  # type: ignore[arg-type]
    )
    assert plain.chosen[0].hit is other  # what the chunk term changes


def test_statements_of_gaps_compete_but_are_never_quoted() -> None:
    gap = hit("1", 0.9, [("Eine Hausnummer nennen die Quellen nicht.", 0.9)])
    fact = hit("2", 0.85, [("Die Geschäftsstelle liegt in der Hauptstraße.", 0.8)])
    evidence = gather("Welche Hausnummer hat die Geschäftsstelle?", "de", [gap, fact], None)  # type: ignore[arg-type]
    assert evidence.states_gap and evidence.gap is gap
    assert [c.hit for c in evidence.chosen] == [fact]


def test_a_when_question_needs_a_date_in_the_quotes() -> None:
    undated = hit("1", 0.9, [("Die Allianz bündelt KI-Kompetenz in der Region.", 0.9)])
    evidence = gather("Wann wurde die Allianz gegründet?", "de", [undated], None)  # type: ignore[arg-type]
    assert evidence.expected == "date" and not evidence.type_found
