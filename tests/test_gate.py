"""The answer gate's mechanics: the fitted model file, probabilities, rules and reasons.

Fast: no embedder, no Chroma. Evidence is built by hand; the model is either the shipped
fitted one (its file must match the features the code computes) or a stub.
"""

import json
import math

import pytest

from assistant.answer.evidence import Candidate, Evidence
from assistant.answer.features import FEATURES, REASON_FEATURES
from assistant.answer.gate import MODEL_PATH, AnswerGate, GateModel, Logistic, column_value
from assistant.answer.personal import PersonalDataGuard
from assistant.retrieve.hit import Hit
from assistant.retrieve.keyword import KeywordIndex

TEXTS = [
    "Die AI Alliance Aachen wurde am 20. Mai 2025 im Rathaus gegründet.",
    "JUPITER hat rund 6.000 Knoten und steht in Jülich.",
    "Die Mitgliedsbeiträge der Allianz sind nicht bekannt.",
]


def keyword_index() -> KeywordIndex:
    index = KeywordIndex()
    index.build([str(i) for i in range(len(TEXTS))], TEXTS, ["de"] * len(TEXTS))
    return index


def evidence(text: str, score: float = 0.9, gap: bool = False) -> Evidence:
    hit = Hit("1", text, score, source="documents/x.md", title="X", known_gap=gap)
    hit.features = {"sentence": score, "dense": score, "coverage": 1.0}
    candidate = Candidate(hit, text, score, score)
    chosen = [] if candidate.states_gap else [candidate]
    return Evidence([hit], [candidate], chosen, None, True)


def stub(intercept: float, threshold: float = 0.5) -> GateModel:
    return GateModel(Logistic((), (), (), (), intercept), threshold)


def test_shipped_model_reads_exactly_the_features_the_code_computes() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model = GateModel.load()
    names = {n for column in model.answerable.columns for n in column.split("*")}
    assert names == set(FEATURES)  # a feature the model ignores would be computed for nothing
    assert 0.0 < model.threshold < 1.0
    assert len(model.answerable.coef) == len(model.answerable.columns)
    assert "dev_cross_validated" in data and data["by"].startswith("benchmarks/fit_gate.py")


def test_logistic_is_the_standardised_linear_model() -> None:
    model = Logistic(("a", "a*b"), (1.0, 0.0), (2.0, 1.0), (0.5, -1.0), 0.25)
    z = 0.25 + 0.5 * (3.0 - 1.0) / 2.0 - 1.0 * (3.0 * 2.0)
    assert model.probability({"a": 3.0, "b": 2.0}) == pytest.approx(1 / (1 + math.exp(-z)))
    assert column_value("a*b", {"a": 3.0, "b": 2.0}) == 6.0


def test_gate_answers_above_its_threshold_and_abstains_below() -> None:
    keyword = keyword_index()
    sure = AnswerGate(stub(3.0), keyword).decide(
        "Wann wurde sie gegründet?", "de", evidence(TEXTS[0])
    )
    assert sure.answer and sure.reason is None and sure.probability > 0.9
    unsure = AnswerGate(stub(-3.0), keyword).decide(
        "Wann wurde sie gegründet?", "de", evidence(TEXTS[0])
    )
    assert not unsure.answer and unsure.reason is not None
    overridden = AnswerGate(stub(-3.0), keyword, threshold=0.01)
    assert overridden.decide("Wann?", "de", evidence(TEXTS[0])).answer


def test_personal_data_requests_are_refused_whatever_the_model_says() -> None:
    gate = AnswerGate(stub(30.0), keyword_index(), PersonalDataGuard(people=["keupen"]))
    decision = gate.decide("Wo wohnt Frau Keupen?", "de", evidence(TEXTS[0]))
    assert not decision.answer and decision.reason == "personal_data"


def test_another_place_s_office_is_out_of_domain_unless_a_quote_names_it() -> None:
    gate = AnswerGate(stub(30.0), keyword_index())
    aachen = evidence("Oberbürgermeisterin Sibylle Keupen begrüßte die Allianz in Aachen.")
    decision = gate.decide("Wer ist Oberbürgermeister von Düsseldorf?", "de", aachen)
    assert not decision.answer and decision.reason == "out_of_domain"
    assert gate.decide("Wer ist die Oberbürgermeisterin von Aachen?", "de", aachen).answer
    juelich = evidence("Der Bürgermeister von Jülich eröffnete das neue Zentrum.")
    assert gate.decide("Wer ist Bürgermeister von Jülich?", "de", juelich).answer


def test_a_best_match_stating_a_gap_gives_that_reason() -> None:
    decision = AnswerGate(stub(-3.0), keyword_index()).decide(
        "Wie hoch sind die Mitgliedsbeiträge?", "de", evidence(TEXTS[2])
    )
    assert not decision.answer and decision.reason == "stated_unknown"
    assert decision.features["gap"] == 1.0


def test_a_question_naming_the_alliance_or_a_partner_is_never_out_of_domain() -> None:
    """The reason model may call it out of domain; the question says otherwise."""
    says_ood = Logistic((), (), (), (), 30.0)
    model = GateModel(Logistic((), (), (), (), -30.0), 0.5, says_ood)
    gate = AnswerGate(model, keyword_index(), PersonalDataGuard(["rwth aachen"]))
    weather = gate.decide("Wie wird das Wetter morgen?", "de", evidence(TEXTS[1]))
    assert weather.reason == "out_of_domain"
    for question in ("Was hat sich die Allianz vorgenommen?", "Woran forscht die RWTH Aachen?"):
        decision = gate.decide(question, "de", evidence(TEXTS[1]))
        assert not decision.answer and decision.reason != "out_of_domain", question


def test_nothing_quotable_is_never_answered() -> None:
    empty = Evidence([], [], [], None, True)
    decision = AnswerGate(stub(30.0), keyword_index()).decide("Wetter morgen?", "de", empty)
    assert not decision.answer
    assert decision.features["unseen"] == 1.0  # neither word occurs in the corpus


def test_features_are_all_computed_and_finite() -> None:
    decision = AnswerGate(stub(0.0), keyword_index()).decide(
        "Wie viele Knoten hat JUPITER?", "de", evidence(TEXTS[1])
    )
    assert set(decision.features) == {*FEATURES, *REASON_FEATURES}
    assert all(math.isfinite(v) for v in decision.features.values())
    assert decision.features["coverage"] == 1.0  # "Knoten", "JUPITER" are in the chunk
    assert decision.features["type_missing"] == 0.0  # "how many" and a number is quoted
