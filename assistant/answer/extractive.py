"""The offline answer mode: curated FAQ answers, else cited sentences from the best passages.

Nothing is generated, so nothing can be invented: every sentence of an answer is either a
curated FAQ answer or a sentence quoted from a retrieved passage, with its citation. When the
best passage is not relevant enough the assistant abstains and says where to ask instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.answer.answer_types import carries, expected_type, has_expected_type, shares_number
from assistant.answer.routes import Routes
from assistant.models import Answer, Citation
from assistant.retrieve.faq import FaqMatch, FaqMatcher
from assistant.retrieve.retriever import Hit
from assistant.text import answer_sentences, is_gap_statement, terms

FRAMING = {
    "de": "Laut Wissensbasis:",
    "en": "From the knowledge base:",
}
FRAMING_QUOTED_GERMAN = "From the knowledge base (quoted from German sources):"
ABSTAIN = {
    "de": "Dazu finde ich in der Wissensbasis keine verlässliche Information.",
    "en": "I could not find reliable information on this in the knowledge base.",
}


@dataclass(frozen=True)
class AnswerPolicy:
    """Thresholds of the answer stage, taken from the settings."""

    min_relevance: float
    faq_min_relevance: float
    faq_certain: float = 0.985  # a FAQ variant this close is the same question, whatever the words
    faq_min_coverage: float = 0.65
    min_coverage: float = 0.2  # below this keyword coverage ...
    low_coverage_relevance: float = 0.93  # ... a hit must be this relevant to be answered from
    # e5 scores a question lower against a passage in the other language: on XQuAD relevant
    # English-over-German hits score 0.79-0.87 (5th-95th percentile), off-topic ones <= 0.81
    cross_language_relevance: float = 0.81
    max_sentences: int = 3
    sentence_margin: float = 0.035
    today: dt.date | None = None  # what "next"/"upcoming" is measured against (None: today)


class ExtractiveAnswerer:
    """Compose grounded answers from retrieved hits without any language model."""

    def __init__(
        self,
        embeddings: Embeddings,
        policy: AnswerPolicy,
        faq: FaqMatcher,
        routes: Routes | None = None,
    ) -> None:
        self.embeddings = embeddings
        self.policy = policy
        self.faq = faq
        self.routes = routes or Routes()

    def abstain(self, lang: str, question: str = "", hits: Sequence[Hit] = ()) -> Answer:
        """The "not in the knowledge base" answer, with where to ask instead."""
        return Answer(
            answer=f"{ABSTAIN[lang]} {self.routes.text(lang, question, hits)}",
            abstained=True,
            lang=lang,  # type: ignore[arg-type]
        )

    def faq_answer(self, question: str, lang: str) -> Answer | None:
        """The curated answer when the question is a FAQ question, else None."""
        match = self.faq.match(question)
        if match and self._is_same_question(match):
            return self._faq_answer(match.hit, question, lang)
        return None

    def relevant(self, hits: list[Hit], lang: str) -> list[Hit]:
        """The hits relevant enough to answer from (empty: abstain).

        A source written in both languages (partner profiles, FAQ entries) is judged by its
        version in the question's language, where the keyword check can work: its other
        version must not slip through on the weaker cross-language score alone.
        """
        verdicts = {h.id: self._is_relevant(h, lang) for h in hits}
        same_language: dict[str, bool] = {}
        for hit in hits:
            if hit.metadata.get("language", lang) == lang:
                same_language[hit.source] = same_language.get(hit.source, False) or verdicts[hit.id]
        return [h for h in hits if verdicts[h.id] and same_language.get(h.source, True)]

    def compose(self, question: str, relevant: list[Hit], lang: str) -> Answer:
        """Cited sentences from the relevant hits (or abstention if a known gap wins)."""
        # statements of what is NOT known compete too, so a near-miss question loses to them
        gaps = [h for h in relevant[3:] if h.metadata.get("known_gap")]
        return self._sentence_answer(question, relevant[:3] + gaps, lang)

    def _is_same_question(self, match: FaqMatch) -> bool:
        policy = self.policy
        return match.score >= policy.faq_certain or (
            match.score >= policy.faq_min_relevance and match.coverage >= policy.faq_min_coverage
        )

    def _is_relevant(self, hit: Hit, lang: str) -> bool:
        """Calibrated on the gold set: e5 scores alone put "weather in Aachen" at 0.87.

        Within one language a relevant passage shares the question's rarer words; across
        languages it cannot, and e5's cross-language scores sit lower, so a separate threshold
        (measured on XQuAD) applies there.
        """
        policy = self.policy
        if hit.metadata.get("language", lang) != lang:
            return hit.score >= policy.cross_language_relevance
        if hit.score < policy.min_relevance:
            return False
        coverage = hit.features.get("coverage", 1.0)
        return coverage >= policy.min_coverage or hit.score >= policy.low_coverage_relevance

    def _faq_answer(self, hit: Hit, question: str, lang: str) -> Answer:
        text = str(hit.metadata.get(f"answer_{lang}") or hit.text)
        if hit.metadata.get("known_gap"):
            # a curated "this is not known" answer: abstain, keep the curated wording
            route = self.routes.text(lang, question)
            return Answer(answer=f"{text} {route}", abstained=True, lang=lang)  # type: ignore[arg-type]
        citation = Citation(
            n=1,
            source=hit.source,
            title=str(hit.metadata.get("title", hit.source)),
            url=str(hit.metadata.get("url") or "") or None,
            snippet=text,
            language=lang,
        )
        return Answer(answer=f"{text} [1]", citations=[citation], lang=lang)  # type: ignore[arg-type]

    def _sentence_answer(self, question: str, hits: list[Hit], lang: str) -> Answer:
        scored = self._sentence_similarities(question, hits)
        if not scored:
            return self.abstain(lang, question, hits)
        candidates = [(hit, sentence) for hit, sentence, _ in scored]
        query_terms = set(terms(question, lang))
        kind = expected_type(question)
        today = self.policy.today or dt.date.today()
        scores = []
        for hit, sentence, cosine in scored:
            overlap = len(query_terms & set(terms(sentence, hit.metadata.get("language", "de"))))
            lexical = overlap / max(len(query_terms), 1)
            score = cosine + 0.05 * lexical + 0.02 * (hit is hits[0])
            # dates are boosted for "when" questions; other answer types are only checked
            # below: boosting them too let near-misses through (XQuAD holdout, orphaned
            # questions abstained 57.8% -> 55.9%)
            dated = kind in ("date", "upcoming") and carries(kind, sentence, today)
            scores.append(score + 0.03 * dated + 0.03 * shares_number(question, sentence))
        order = np.argsort(scores)[::-1]
        if _states_gap(*candidates[order[0]]):
            # the best match is a statement of what is NOT known
            return self.abstain(lang, question, hits)
        best = scores[order[0]]
        chosen = [
            i
            for i in order[: self.policy.max_sentences]
            if scores[i] >= best - self.policy.sentence_margin
        ]
        if not has_expected_type(question, [candidates[i][1] for i in chosen], today):
            return self.abstain(lang, question, hits)  # e.g. asked "when", but no date to quote
        if any(candidates[i][0].metadata.get("known_gap") for i in chosen):
            # part of the best answer is a "not known" section
            return self.abstain(lang, question, hits)
        return self._compose(candidates, chosen, lang)

    def _sentence_similarities(
        self, question: str, hits: list[Hit]
    ) -> list[tuple[Hit, str, float]]:
        """Cosine of each quotable sentence to the question (from the retriever if it has them)."""
        if all(hit.sentences for hit in hits):
            return [(hit, s, score) for hit in hits for s, score in hit.sentences if len(s) >= 15]
        pairs = [(hit, s) for hit in hits for s in answer_sentences(hit.text, hit.metadata)]
        if not pairs:
            return []
        query = np.asarray(self.embeddings.embed_query(question))
        vectors = np.asarray(self.embeddings.embed_documents([s for _, s in pairs]))
        return [(h, s, float(v @ query)) for (h, s), v in zip(pairs, vectors, strict=True)]

    def _compose(self, candidates: list[tuple[Hit, str]], chosen: list[int], lang: str) -> Answer:
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        lines = []
        for i in chosen:
            hit, sentence = candidates[i]
            if hit.source not in numbers:
                numbers[hit.source] = len(numbers) + 1
                citations.append(
                    Citation(
                        n=numbers[hit.source],
                        source=hit.source,
                        title=str(hit.metadata.get("title", hit.source)),
                        url=str(hit.metadata.get("url") or "") or None,
                        snippet=sentence,
                        language=str(hit.metadata.get("language", "de")),
                    )
                )
            else:
                cited = citations[numbers[hit.source] - 1]
                cited.snippet = f"{cited.snippet} … {sentence}"
            lines.append(f"- {_attributed(hit, sentence)} [{numbers[hit.source]}]")
        quoted_german = lang == "en" and any(c.language == "de" for c in citations)
        framing = FRAMING_QUOTED_GERMAN if quoted_german else FRAMING[lang]
        return Answer(
            answer=framing + "\n\n" + "\n".join(lines),
            citations=citations,
            lang=lang,  # type: ignore[arg-type]
        )


def _states_gap(hit: Hit, sentence: str) -> bool:
    """A sentence from a "not known" section or entry, or one that says so itself.

    A sentence saying so itself only decides when it is the best match: narrative text
    ("the extent of the continent was unknown at the time") must not veto an answer.
    """
    return bool(hit.metadata.get("known_gap")) or is_gap_statement(sentence)


def _attributed(hit: Hit, sentence: str) -> str:
    """Prefix a partner-profile sentence with the organisation's name when it lacks it.

    "Topics: High-performance computing" answers "who works on HPC?" only with the name.
    """
    name = str(hit.metadata.get("title", ""))
    if hit.metadata.get("kind") != "partner" or not name or name in sentence:
        return sentence
    return f"{name}: {sentence}"
