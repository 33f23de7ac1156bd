"""Which sentences an answer is built from: ranking, twins, gap statements (unit tests)."""

from assistant.answer.evidence import (
    QUOTING,
    Candidate,
    Evidence,
    Ranking,
    gather,
    in_question_language,
)
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.lexical import LexicalMatcher
from assistant.models import Answer, Citation
from assistant.retrieve.hit import Hit
from assistant.retrieve.keyword import KeywordIndex


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


def test_a_sentence_in_the_other_language_gets_back_what_e5_takes_across_languages() -> None:
    """The English summary scores 0.88, the German detail 0.84 against an English question:
    across languages that is as close as 0.89 would be, so the detail is quoted first."""
    summary = hit(
        "1",
        0.90,
        [("Microsoft announced data centres in Bergheim and Bedburg.", 0.88)],
        language="en",
        source="faq/companies.yaml#microsoft",
    )
    detail = hit(
        "2",
        0.90,
        [("Microsoft baut in Bergheim im Industriepark INKA :terra nova.", 0.84)],
        language="de",
        source="documents/region.md",  # German only: no English twin
    )
    question = "What is the name of the industrial park in Bergheim?"
    evidence = gather(question, "en", [summary, detail], None)  # type: ignore[arg-type]
    assert evidence.chosen[0].hit is detail
    same = gather(question, "en", [summary, detail], None, ranking=Ranking(cross_language=0.0))  # type: ignore[arg-type]
    assert same.chosen[0].hit is summary


def test_quotes_favour_the_sentence_holding_what_sets_the_question_apart() -> None:
    """Every chunk is about the data centres; only one sentence names the jobs asked for.

    The ranking the gate judges quotes the closer announcement; the quoting ranking the jobs.
    """
    announced = "Microsoft kündigte Rechenzentren in Bergheim und Bedburg an."
    jobs = "Erwartet wurden rund 300 Arbeitsplätze."
    document = hit("1", 0.94, [(announced, 0.90), (jobs, 0.85)], source="documents/region.md")
    faq = hit("2", 0.93, [("Microsoft baut Rechenzentren in Bergheim und Bedburg.", 0.89)])
    other = "Das Lamarr-Institut in Dortmund ist ein Kompetenzzentrum für KI."
    keyword = KeywordIndex()
    keyword.build(["1", "2", "3"], [document.text, faq.text, other], ["de"] * 3)
    question = "Wie viele Arbeitsplätze haben die Microsoft-Rechenzentren in Bergheim?"
    hits, no_embeddings = [document, faq], None  # the sentences carry their cosines

    def first(ranking: Ranking, lexical: LexicalMatcher | None = None) -> str:
        evidence = gather(question, "de", hits, no_embeddings, ranking=ranking, lexical=lexical)  # type: ignore[arg-type]
        return evidence.chosen[0].sentence

    assert first(Ranking()) == announced  # what the gate judges
    assert first(QUOTING, LexicalMatcher(keyword)) == jobs  # what the answer quotes
    assert first(QUOTING) == announced  # without a word matcher there is no focus to go by


def test_quotes_favour_the_sentence_naming_the_noun_asked_for() -> None:
    """The curated campus description is closer; the partner line names the university."""
    campus = "Das AI Village ist ein Innovationscampus für KI und Robotik in Hürth."
    partners = "Partner: Stadt Hürth, Fraunhofer IAIS und die Rheinische Hochschule Köln."
    village = hit("1", 0.95, [(campus, 0.90)], source="faq/companies.yaml#ai-village")
    profile = hit("2", 0.95, [(partners, 0.88)], source="partners/ai-village.yaml")
    others = [f"Das Netzwerk Nummer {n} trifft sich im Rathaus." for n in range(8)]
    keyword = KeywordIndex()  # ten chunks: "Hochschule" in one of them is no common word
    keyword.build([str(n) for n in range(10)], [village.text, profile.text, *others], ["de"] * 10)
    lexical = LexicalMatcher(keyword)

    def quoted(question: str) -> list[str]:
        hits, no_embeddings = [village, profile], None  # the sentences carry their cosines
        evidence = gather(question, "de", hits, no_embeddings, ranking=QUOTING, lexical=lexical)  # type: ignore[arg-type]
        return [c.sentence for c in evidence.chosen]

    assert quoted("Welche Hochschule ist beim AI Village in Hürth dabei?")[0] == partners
    assert quoted("Was macht das AI Village in Hürth?")[0] == campus
    assert quoted("Welches Netzwerk ist das AI Village in Hürth?")[0] == campus  # too common


def test_the_noun_asked_for_matches_strictly_and_not_when_common() -> None:
    """Its stem and a compound's head; not a word ending in it, nor a word in many chunks."""
    texts = [
        "Die Helmholtz-Gemeinschaft fördert Forschung.",
        "Das Team arbeitet seit 2020 an KI.",
        *(f"KI-Projekt Nummer {n} in Aachen." for n in range(8)),
    ]
    keyword = KeywordIndex()
    keyword.build([str(n) for n in range(10)], texts, ["de"] * 10)
    lexical = LexicalMatcher(keyword)
    assert lexical.noun_keys("Forschungsgemeinschaft", "de") & lexical.keys(texts[0], "de")
    assert not lexical.noun_keys("Internetseite", "de") & lexical.keys(texts[1], "de")
    assert not lexical.noun_keys("Arbeitsplätze", "de") & lexical.keys(texts[1], "de")
    assert not lexical.noun_keys("KI", "de")  # in every chunk: names nothing in particular


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


def test_a_curated_answer_is_followed_by_close_quotes_from_other_sources() -> None:
    """The FAQ entry answers its own question; a neighbouring source may hold the asked fact."""
    curated = {"de": "Das Center organisiert die KI-Woche, etwa 2023."}
    faq = hit(
        "1",
        0.9,
        [("Gibt es Veranstaltungen? Das Center organisiert die KI-Woche.", 0.86)],
        kind="faq",
        source="faq/events.yaml#events",
        curated=curated,
    )
    dated = hit("2", 0.88, [("2023 lief sie vom 25. bis 29. September.", 0.80)], source="doc.md")
    far = hit("3", 0.6, [("Die Stadt liegt im Westen.", 0.5)], source="city.md")
    evidence = gather("Wann fand die KI-Woche 2023 statt?", "de", [faq, dated, far], None)  # type: ignore[arg-type]
    answer = ExtractiveAnswerer().compose("Wann fand die KI-Woche 2023 statt?", "de", evidence)
    assert answer.answer.startswith("Das Center organisiert die KI-Woche, etwa 2023. [1]")
    assert "- 2023 lief sie vom 25. bis 29. September. [2]" in answer.answer
    assert "Westen" not in answer.answer  # beyond the ranking's margin
    assert [c.source for c in answer.citations] == ["faq/events.yaml#events", "doc.md"]
    alone = gather("Wann fand die KI-Woche 2023 statt?", "de", [faq, far], None)  # type: ignore[arg-type]
    only = ExtractiveAnswerer().compose("Wann fand die KI-Woche 2023 statt?", "de", alone)
    assert only.answer == "Das Center organisiert die KI-Woche, etwa 2023. [1]"


def test_the_entrys_own_sentences_do_not_crowd_out_quotes_from_other_sources() -> None:
    """Its curated answer replaces the entry's sentences; they took the three quoted places."""
    curated = {"de": "Das OecherLab ist ein Kreativzentrum der Stadt."}
    own = [("Das OecherLab ist ein Kreativzentrum.", 0.9), ("Es liegt am Kapuzinergraben.", 0.89)]
    own += [("Es wurde 2021 eröffnet.", 0.88)]
    faq = hit("1", 0.9, own, kind="faq", source="faq/lab.yaml#lab", curated=curated)
    partners = hit("2", 0.9, [("Partner bei der Eröffnung: IMA und cowork AG.", 0.87)])
    question = "Wer war bei der Eröffnung des OecherLab Partner?"
    evidence = gather(question, "de", [faq, partners], None)  # type: ignore[arg-type]
    assert all(c.hit is faq for c in evidence.chosen)  # the default ranking's three
    answer = ExtractiveAnswerer().compose(question, "de", evidence)
    assert "- Partner bei der Eröffnung: IMA und cowork AG. [2]" in answer.answer


def test_a_profile_website_line_is_quoted_only_for_a_way_to_reach_someone() -> None:
    profile = hit(
        "1",
        0.9,
        [
            ("Website: https://example.org/lab", 0.86),
            ("Das Lab ist ein Kompetenzzentrum für maschinelles Lernen.", 0.84),
        ],
        kind="partner",
        title="Lab",
        contact={"de": "Postfach: info@example.org"},
    )
    vague = gather("Was ist das Lab für ein Laden?", "de", [profile], None)  # type: ignore[arg-type]
    assert [c.sentence for c in vague.candidates] == [
        "Das Lab ist ein Kompetenzzentrum für maschinelles Lernen."
    ]
    reach = gather("Welche Webseite hat das Lab?", "de", [profile], None)  # type: ignore[arg-type]
    assert reach.chosen[0].sentence == "Website: https://example.org/lab"


def test_a_partner_list_is_followed_by_the_quotes_it_does_not_show() -> None:
    listed = Citation(n=1, source="partners/zz.yaml", title="ZZ", snippet="SME support")
    shown = "ZZ advises SMEs."
    listing = Answer(
        answer=f"1 partner:\n\n1. ZZ: {shown} [1]", citations=[listed], lang="en", partners=["zz"]
    )
    faq = hit("f", 0.9, [], source="faq/companies.yaml#mid", title="MID", language="en")
    profile = hit("p", 0.8, [], source="partners/zz.yaml", title="ZZ", language="en")
    mid = "The state programme MID gives vouchers to SMEs."
    terms = "A listing requires a seat in NRW."
    chosen = [
        Candidate(faq, mid, 0.9, 0.9),
        Candidate(profile, shown, 0.8, 0.8),
        Candidate(profile, terms, 0.8, 0.8),
        Candidate(profile, "Topics: SME support.", 0.8, 0.8),  # the list says so already
    ]
    evidence = Evidence([faq, profile], chosen, chosen, None, True)
    answer = ExtractiveAnswerer().with_quotes(listing, evidence)
    assert answer.partners == ["zz"] and answer.answer.startswith(listing.answer)
    assert f"- {mid} [2]" in answer.answer
    assert answer.answer.count(shown) == 1  # shown in the list: not quoted again
    assert f"- {terms} [1]" in answer.answer  # the listed profile keeps its number
    assert "Topics: SME support." not in answer.answer
    assert [c.n for c in answer.citations] == [1, 2] and answer.citations[1].source == faq.source
    assert listing.citations[0].snippet == "SME support"  # the list itself is left as it was
    alone = Evidence([profile], chosen[1:2], chosen[1:2], None, True)
    assert ExtractiveAnswerer().with_quotes(listing, alone) == listing  # nothing to add


def test_small_talk_is_answered_with_what_the_assistant_does() -> None:
    hello = ExtractiveAnswerer().abstain("Hallo, wie geht's dir?", "de", "out_of_domain")
    assert hello.abstained and hello.answer.startswith("Hallo! Ich beantworte Fragen zur AI")
    thanks = ExtractiveAnswerer().abstain("thanks a lot!", "en", "out_of_domain")
    assert thanks.answer.startswith("You're welcome! I answer questions")
    weather = ExtractiveAnswerer().abstain("Wie wird das Wetter morgen?", "de", "out_of_domain")
    assert weather.answer.startswith("Dazu kann ich nichts sagen")


def test_a_quote_keeps_the_next_sentence_that_goes_on_about_it() -> None:
    """ "Sie zeigt ..." is the answer, and alone nobody knows what "Sie" is."""
    question = "Wer wird bei Oecher People porträtiert?"
    shown = "Im Januar 2026 zeigte die Stadt eine KI-Ausgabe von „Oecher People“."
    then = "Sie zeigt Geschäftsführungen und Professorinnen."
    unrelated = "Die App hat die Wirtschaftsförderung entwickelt."
    doc = hit("1", 0.9, [(shown, 0.9), (then, 0.5), (unrelated, 0.4)], source="doc.md")
    evidence = gather(question, "de", [doc], None)  # type: ignore[arg-type]
    assert [c.sentence for c in evidence.chosen] == [shown]
    answer = ExtractiveAnswerer().compose(question, "de", evidence)
    assert f"- {shown} {then} [1]" in answer.answer
    assert unrelated not in answer.answer
    assert answer.citations[0].snippet == f"{shown} {then}"
    # a next sentence on something else is not taken along: the formal "Sie", "Es gibt", a
    # statement of what is not known
    for following in (
        unrelated,
        "Sie erreichen das Team unter info@example.org.",
        "Es gibt außerdem einen Hackathon.",
        "Sie ist nicht öffentlich bekannt.",
    ):
        other = hit("2", 0.9, [(shown, 0.9), (following, 0.5)], source="doc.md")
        alone = gather(question, "de", [other], None)  # type: ignore[arg-type]
        assert following not in ExtractiveAnswerer().compose(question, "de", alone).answer
