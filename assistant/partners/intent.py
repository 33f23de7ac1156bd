"""Learned partner intent: whether a question searches partners, and for which topic.

The hand-written trigger (``listing.asks_for_partners``) knows the phrasings the question sets
taught it, and new ones slip past ("Wo kann ich mich zu KI weiterbilden?", "Who gives advice to
companies like ours?"); the topic vocabulary knows words, and a need told as a story ("our
presses keep failing, the sensor data nobody looks at") names none. Both are learned here
from the e5 vector of the question, which retrieval computes anyway:

* ``asks``: a logistic model, partner-seeking questions against every other question;
* ``topics``: one logistic model per topic over need descriptions and requests no topic covers,
  so a need nobody covers ("Wer prüft unsere Steuererklärung?") scores low on every topic;
* ``technical``: one logistic model, needs that technology or research would meet against
  everyday requests next to a topic's field. The topic models read the field ("Who can teach
  our staff Spanish?" scores 0.95 for education, a physiotherapy practice 0.99 for medical
  AI); pooled over all topics, this one reads whether technology is asked for at all (those
  two: 0.04 and 0.11; the moulding machines that stop without warning: 0.82).

All three are fitted by ``benchmarks/fit_partner_intent.py`` on the ``dev`` question sets and the
need examples in ``benchmarks/partner_intent/``, stored with their thresholds in
``intent_model.json`` and read without scikit-learn. They are valid only for the embedding
model they were fitted on; any other embedder (the fake one of the fast tests) gets none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("intent_model.json")


@dataclass(frozen=True)
class LinearScorer:
    """Logistic models over one vector: row ``i`` of ``coef`` and ``intercept[i]`` per label."""

    labels: tuple[str, ...]
    coef: np.ndarray  # (labels, dimension)
    intercept: np.ndarray  # (labels,)
    threshold: float

    @classmethod
    def from_json(cls, data: dict) -> LinearScorer:
        """Read the fields written by ``benchmarks/fit_partner_intent.py``."""
        return cls(
            tuple(data["labels"]),
            np.asarray(data["coef"], dtype=np.float64),
            np.asarray(data["intercept"], dtype=np.float64),
            float(data["threshold"]),
        )

    def probabilities(self, vector: np.ndarray) -> dict[str, float]:
        """P(label) for each label, each from its own logistic model."""
        z = np.clip(self.coef @ vector + self.intercept, -30.0, 30.0)
        return dict(zip(self.labels, (1.0 / (1.0 + np.exp(-z))).tolist(), strict=True))


@dataclass(frozen=True)
class IntentModel:
    """The fitted models and the embedding model whose vectors they read."""

    embedding_model: str
    asks: LinearScorer
    topics: LinearScorer
    technical: LinearScorer

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> IntentModel:
        """The fitted model shipped with the package (or another fitted file)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            data["embedding_model"],
            LinearScorer.from_json(data["asks"]),
            LinearScorer.from_json(data["topics"]),
            LinearScorer.from_json(data["technical"]),
        )


class PartnerIntent:
    """Reads a question's partner intent from its embedding."""

    def __init__(self, model: IntentModel, embed: Callable[[str], Sequence[float]]) -> None:
        self.model = model
        self.embed = embed
        self._last: tuple[str, np.ndarray] | None = None

    @classmethod
    def for_embedder(
        cls, embed: Callable[[str], Sequence[float]], embedding_model: str | None
    ) -> PartnerIntent | None:
        """The shipped model when it was fitted on ``embedding_model``'s vectors, else None."""
        if not MODEL_PATH.exists():
            return None
        model = IntentModel.load()
        return cls(model, embed) if model.embedding_model == embedding_model else None

    def _vector(self, question: str) -> np.ndarray:
        """The question's vector, embedded once however many of the models read it.

        A list question asks up to four times (search, need for technology twice, topics);
        an embedder without a cache of its own would embed it each time.
        """
        last = self._last  # read once: another thread may replace it meanwhile
        if last is not None and last[0] == question:
            return last[1]
        vector = np.asarray(self.embed(question), dtype=np.float64)
        self._last = (question, vector)
        return vector

    def asks_for_partners(self, question: str) -> bool:
        """Whether the question searches for partners (or whom to turn to)."""
        return self.search_probability(question) >= self.model.asks.threshold

    def needs_technology(self, question: str) -> bool:
        """Whether the need is one for technology or research, not an everyday service."""
        return self.technology_probability(question) >= self.model.technical.threshold

    def technology_probability(self, question: str) -> float:
        """How likely the need is one for technology (``needs_technology`` thresholds it)."""
        return _only(self.model.technical, self._vector(question))

    def search_probability(self, question: str) -> float:
        """How likely the question searches for partners (``asks_for_partners`` thresholds it)."""
        return _only(self.model.asks, self._vector(question))

    def topics(self, question: str, at_least: float | None = None) -> list[str]:
        """The topics the question's need points to, most likely first (none: no topic fits).

        ``at_least`` asks for more certainty than the fitted threshold.
        """
        scorer = self.model.topics
        scores = scorer.probabilities(self._vector(question))
        floor = max(scorer.threshold, at_least or 0.0)
        chosen = [t for t, p in scores.items() if p >= floor]
        return sorted(chosen, key=lambda t: -scores[t])


def _only(scorer: LinearScorer, vector: np.ndarray) -> float:
    """The probability of a one-label scorer."""
    (probability,) = scorer.probabilities(vector).values()
    return probability
