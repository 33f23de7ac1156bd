"""Scoring answers for ``assistant eval``: retrieval ranks, key facts, citations, abstention.

Kept apart from ``assistant.evaluation`` (which loads data and drives the pipeline) so the
definitions of every reported figure sit in one place:

* ``fact_hit``: an answer (not an abstention) contains a key fact;
* ``fact_cited``: the key fact stands in a stretch of the answer that a valid ``[n]`` marker
  cites (markers cite the text since the previous marker);
* ``abstained_answerable``: the wrongly-abstained share of answerable questions, overall and
  by question language;
* ``abstained_unanswerable``: the abstained share of unanswerable questions, overall and by
  kind (``near-miss``, ``personal data``, ``out of domain``; XQuAD's removed passages count as
  ``unanswerable``), plus which reason each abstention gave.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.models import Answer, Generation
from assistant.retrieve.hit import Hit
from assistant.text import fold, split_sentences

RANK_DEPTH = 10
_MARKER = re.compile(r"\[(\d{1,2})\]")


class Question(Protocol):
    """What scoring reads of an eval question."""

    question: str
    passage_ids: list[str]
    answers: list[str]
    answerable: bool
    unanswerable_kind: str


def ranked_sources(hits: list[Hit]) -> list[str]:
    """Distinct sources in rank order (several chunks of one passage count once)."""
    seen: list[str] = []
    for hit in hits:
        if hit.source not in seen:
            seen.append(hit.source)
    return seen


def gold_rank(gold: list[str], ranking: list[str]) -> int | None:
    """1-based rank of the first gold source within the ranking, or None."""
    for position, source in enumerate(ranking[:RANK_DEPTH], start=1):
        if source in gold:
            return position
    return None


def retrieval_scores(ranks: list[int | None]) -> dict[str, float | int]:
    """hit@1, hit@5 and MRR@10 from the gold ranks of a set of questions."""
    n = len(ranks)
    if not n:
        return {"n": 0, "hit@1": 0.0, "hit@5": 0.0, "mrr@10": 0.0}
    return {
        "n": n,
        "hit@1": round(sum(r == 1 for r in ranks) / n, 4),
        "hit@5": round(sum(r is not None and r <= 5 for r in ranks) / n, 4),
        "mrr@10": round(sum(1 / r for r in ranks if r) / n, 4),
    }


def contains_fact(text: str, answers: list[str]) -> bool:
    """True when any expected answer string occurs in the text (case and umlaut folded)."""
    folded = fold(text)
    return any(fold(a) in folded for a in answers)


def fact_cited(answer: Answer, answers: list[str]) -> bool:
    """True when a key fact stands in text that a valid ``[n]`` marker cites."""
    valid = range(1, len(answer.citations) + 1)
    start = 0
    for marker in _MARKER.finditer(answer.answer):
        cited = answer.answer[start : marker.start()]
        if int(marker.group(1)) in valid and contains_fact(cited, answers):
            return True
        start = marker.end()
    return False


_ANSWER_LINE = re.compile(r"^(?:- )?(.*?)((?:\s*\[\d{1,2}\])+)\s*$")


def unsupported_citations(answer: Answer, source_texts: Callable[[str], str]) -> int:
    """Count cited lines whose quoted sentence does not occur in the cited source.

    Extractive answers quote; a quote must be found verbatim (up to whitespace) in a chunk
    of the source its marker names. An attribution prefix ("Name: ") may precede the quote.
    A list answer's line quotes the sentences of the profile it names (``list_quotes``).
    Generated answers do not quote: their support is counted by the attribution (``llm``).
    """
    if answer.mode == "llm":
        return 0
    bad = 0
    for line in answer.answer.splitlines():
        match = _ANSWER_LINE.match(line.strip())
        if not match:
            continue
        quote = " ".join(match.group(1).split())
        quotes = list_quotes(quote) if answer.partners else [quote.split(": ", 1)[-1]]
        for n in (int(x) for x in re.findall(r"\d+", match.group(2))):
            if not 1 <= n <= len(answer.citations):
                bad += 1
                continue
            # sentences as the answerer sees them (lists joined with •, headings dropped)
            text = " ".join(split_sentences(source_texts(answer.citations[n - 1].source)))
            text = " ".join(text.split())
            bad += any(q not in text for q in quotes) and quote not in text
    return bad


def list_quotes(line: str) -> list[str]:
    """The profile sentences quoted in a list answer's line.

    "1. Name (kind): sentence – sentence. Contact: route" -> the sentences; the head, the
    contact route and a "Topics: ..." line (a listed topic, not a quote) are not quotes.
    """
    head_and_why = re.split(r"\. (?:Contact|Kontakt): ", line)[0]  # a route may hold "): "
    _, _, why = head_and_why.partition("): ")
    return [p for p in why.split(" – ") if p and not re.match(r"(Topics|Themen): ", p)]


def share(count: int, total: int) -> float:
    """``count / total`` rounded for a report (0 when there is nothing to count)."""
    return round(count / total, 4) if total else 0.0


def percentiles(values: list[float]) -> dict[str, float]:
    """p50 and p95 of a list of milliseconds."""
    if not values:
        return {"p50": 0.0, "p95": 0.0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2)}


def kind_class(kind: str) -> str:
    """The class of an unanswerable kind: "near-miss: fees" -> "near-miss"."""
    return kind.split(":")[0].strip() or "unanswerable"


@dataclass
class Tally:
    """Counts over the questions of one ``assistant eval`` run."""

    ranks: dict[str, list[int | None]] = field(
        default_factory=lambda: {"all": [], "de": [], "en": []}
    )
    latencies: list[tuple[float, float]] = field(default_factory=list)  # retrieval, answer ms
    counts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    recalls: list[float] = field(default_factory=list)  # partner questions
    precisions: list[float] = field(default_factory=list)
    generations: list[Generation] = field(default_factory=list)  # LLM mode

    def add(self, q: Question, lang: str, hits: list[Hit], answer: Answer, bad: int) -> None:
        """Score one answered (or abstained) question."""
        c = self.counts
        c["unsupported"] += bad
        if answer.generation is not None:
            self.generations.append(answer.generation)
            if q.answerable:
                c["generated_answerable"] += 1
                c["fell_back_answerable"] += answer.generation.fallback is not None
        if answer.abstained:
            self.reasons[answer.reason or "unknown"] += 1
        if not q.answerable:
            kind = kind_class(q.unanswerable_kind)
            for key in ("unanswerable", f"kind:{kind}"):
                c[key] += 1
                c[f"{key}:abstained"] += answer.abstained
            return
        for key in ("answerable", f"answerable:{lang}"):
            c[key] += 1
            c[f"{key}:abstained"] += answer.abstained
        if q.passage_ids:
            rank = gold_rank(q.passage_ids, ranked_sources(hits))
            self.ranks["all"].append(rank)
            self.ranks[lang].append(rank)
            c["with_sources"] += 1
            c["cited_gold"] += bool({x.source for x in answer.citations} & set(q.passage_ids))
        if q.answers:
            c["with_facts"] += 1
            c["fact_hit"] += (not answer.abstained) and contains_fact(answer.answer, q.answers)
            c["fact_cited"] += (not answer.abstained) and fact_cited(answer, q.answers)

    def add_partners(
        self, expected: list[str], acceptable: list[str], answer: Answer, route: str
    ) -> None:
        """Score a partner question: recall of ``expected``, precision against both lists.

        With nothing expected (a topic no partner covers), the answer must list nobody and
        give the alliance's contact route.
        """
        listed = answer.partners or []
        if not expected:
            self.counts["no_partner"] += 1
            self.counts["no_partner_ok"] += not listed and route in answer.answer
            return
        self.recalls.append(len(set(listed) & set(expected)) / len(set(expected)))
        if listed:
            allowed = set(expected) | set(acceptable)
            self.precisions.append(len(set(listed) & allowed) / len(set(listed)))

    def generation_report(self) -> dict[str, Any]:
        """LLM mode: fallbacks by reason, attribution, time to first token, total, tokens/s."""
        runs = self.generations
        used = [g for g in runs if g.fallback is None and g.claims]
        claims = sum(g.claims for g in used)
        timed = [g for g in runs if g.first_token_ms is not None]
        seconds = sum(g.total_ms for g in timed) / 1000
        return {
            "generated": len(runs),
            "fell_back": share(sum(g.fallback is not None for g in runs), len(runs)),
            "fell_back_answerable": share(
                self.counts["fell_back_answerable"], self.counts["generated_answerable"]
            ),
            "fallback_reasons": dict(Counter(g.fallback for g in runs if g.fallback)),
            "cut_at_time_limit": sum(g.cut and g.fallback is None for g in runs),
            "sentences_with_supporting_citation": share(sum(g.supported for g in used), claims),
            "markers_right": share(sum(g.marked_right for g in used), claims),
            "first_token_ms": percentiles([g.first_token_ms or 0.0 for g in timed]),
            "total_ms": percentiles([g.total_ms for g in runs]),
            "tokens_per_s": round(sum(g.tokens for g in timed) / seconds, 1) if seconds else 0.0,
        }

    def report(self) -> dict[str, Any]:
        """The ``assistant eval`` report (the design doc's contract plus answer figures)."""
        c = self.counts
        out: dict[str, Any] = dict(retrieval_scores(self.ranks["all"]))
        out["by_lang"] = {
            lang: retrieval_scores(self.ranks[lang]) for lang in ("de", "en") if self.ranks[lang]
        }
        out["latency_ms"] = percentiles([r for r, _ in self.latencies])
        out["answer_latency_ms"] = percentiles([a for _, a in self.latencies])  # gate + compose
        out["ask_latency_ms"] = percentiles([r + a for r, a in self.latencies])  # a warm ask
        abstention: dict[str, Any] = {
            "answerable": c["answerable"],
            "abstained_answerable": share(c["answerable:abstained"], c["answerable"]),
            "abstained_answerable_by_lang": {
                lang: share(c[f"answerable:{lang}:abstained"], c[f"answerable:{lang}"])
                for lang in ("de", "en")
                if c[f"answerable:{lang}"]
            },
        }
        if c["unanswerable"]:
            kinds = sorted(
                k[len("kind:") :]
                for k in c
                if k.startswith("kind:") and not k.endswith(":abstained")
            )
            abstention["unanswerable"] = c["unanswerable"]
            abstention["abstained_unanswerable"] = share(
                c["unanswerable:abstained"], c["unanswerable"]
            )
            abstention["by_kind"] = {
                kind: {
                    "n": c[f"kind:{kind}"],
                    "abstained": share(c[f"kind:{kind}:abstained"], c[f"kind:{kind}"]),
                }
                for kind in kinds
            }
        abstention["reasons"] = dict(self.reasons)
        out["abstention"] = abstention
        answers: dict[str, Any] = {"unsupported_citations": c["unsupported"]}
        if c["with_facts"]:
            answers.update(
                n=c["with_facts"],
                fact_hit=share(c["fact_hit"], c["with_facts"]),
                fact_cited=share(c["fact_cited"], c["with_facts"]),
            )
        if c["with_sources"]:
            answers["cited_gold_source"] = share(c["cited_gold"], c["with_sources"])
        out["answers"] = answers
        if self.generations:
            out["llm"] = self.generation_report()
        if self.recalls or c["no_partner"]:
            out["partners"] = {
                "n": len(self.recalls),
                "recall": round(statistics.fmean(self.recalls), 4) if self.recalls else 0.0,
                "precision": round(statistics.fmean(self.precisions), 4)
                if self.precisions
                else 0.0,
                "listed": share(len(self.precisions), len(self.recalls)),
                "no_partner": c["no_partner"],
                "no_partner_listed_nobody_with_route": share(c["no_partner_ok"], c["no_partner"]),
            }
        return out
