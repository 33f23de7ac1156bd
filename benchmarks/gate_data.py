"""Collect the answer gate's training and evaluation rows: features, label, data set.

For every question the real pipeline retrieves and gathers evidence; the gate's features are
recorded with the label "the knowledge base answers this from what was retrieved":

* 1: an answerable question whose gold source (or key fact) is among the retrieved chunks;
* 0: an unanswerable question (near-miss, personal data, out of domain, or an XQuAD question
  whose passage was removed from the index);
* None: answerable questions retrieval missed (neither answering nor abstaining is right).

The gate here lets everything through (``GateModel.always``), so ``rule`` records only the
rules beside the model: a personal-data request, or evidence that states the fact is unknown.

Data sets, each as ``dev`` or ``test`` (the split rule of ``assistant.evalsets``):

* ``gold``: ``corpus/eval/gold-{split}.jsonl`` over the bundled corpus;
* ``ood``: ``corpus/eval/out-of-domain-{split}.jsonl`` over the bundled corpus;
* ``xquad``: XQuAD's German passages with every fifth passage removed (``benchmarks.xquad``),
  German and English questions, articles split by title;
* ``probes`` (``dev`` only): the alliance holdouts ``benchmarks/gold_probes*.jsonl``, dev sets
  once their first run is recorded, written blind by other hands than the gold set (families
  prefixed by their file).

    python -m benchmarks.gate_data dev      # writes data/gate/rows-dev.jsonl
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from assistant.answer.gate import GateModel
from assistant.evalsets import split_of
from assistant.evaluation import EvalQuestion, load_eval_corpus, read_jsonl, scratch_assistant
from assistant.pipeline import Assistant
from assistant.scoring import contains_fact
from assistant.settings import Settings, load_settings
from benchmarks.xquad import convert, holdout

ROOT = Path(__file__).resolve().parents[1]
XQUAD = ROOT.parent / "shared" / "eval" / "xquad"
OUT = ROOT / "data" / "gate"


def rows_for(assistant: Assistant, questions: list[Any], dataset: str) -> list[dict[str, Any]]:
    """One row per question: the gate's features, the label and what identifies it."""
    rows = []
    for q in questions:
        lang = q.lang or "de"
        evidence, decision = assistant.judge(q.question, lang)
        texts = " ".join(h.text for h in evidence.hits)
        reachable = bool({h.source for h in evidence.hits} & set(q.passage_ids)) or (
            bool(q.answers) and contains_fact(texts, q.answers)
        )
        label = (1 if reachable else None) if q.answerable else 0
        answer = assistant.extractive.compose(q.question, lang, evidence) if q.answers else None
        correct = answer is not None and contains_fact(answer.answer, q.answers)
        rows.append(
            {
                "dataset": dataset,
                "id": q.id,
                "family": q.family,
                "lang": lang,
                "label": label,
                "kind": q.kind,
                "correct": correct,  # the composed answer holds a key fact
                "rule": decision.reason,  # a rule abstained (personal data, stated unknown)
                "features": decision.features,
            }
        )
    return rows


class GateQuestion(EvalQuestion):
    """An eval question with the family (the fact it asks) the gate data keeps."""

    family: str = ""

    @property
    def kind(self) -> str:
        """ "answerable" or the unanswerable kind ("near-miss: fees", "out of domain: ...")."""
        return "answerable" if self.answerable else self.unanswerable_kind or "unanswerable"


def xquad_questions(
    asked_path: Path, passages_path: Path, questions_path: Path, split: str
) -> list[GateQuestion]:
    """XQuAD questions of the articles on ``split``'s side (family: the article's title).

    ``asked_path`` holds the holdout's questions (orphans have lost their passage ids), the
    original ``questions_path`` tells which article each question belongs to.
    """
    titles = {}
    for line in passages_path.read_text(encoding="utf-8").splitlines():
        passage = json.loads(line)
        titles[passage["id"]] = passage["title"]
    article = {q.id: titles[q.passage_ids[0]] for q in read_jsonl(questions_path, GateQuestion)}
    out = []
    for q in read_jsonl(asked_path, GateQuestion):
        q.family = f"xquad:{article[q.id]}"
        if split_of(q.family) == split:
            if not q.answerable:
                q.unanswerable_kind = "orphaned: passage removed"
            out.append(q)
    return out


def collect(settings: Settings, split: str) -> list[dict[str, Any]]:
    """All rows of one split."""
    rows: list[dict[str, Any]] = []
    assistant, _ = scratch_assistant(settings, gate_model=GateModel.always())
    assistant.index_documents(load_eval_corpus(settings, None))
    for name, stem in (("gold", "gold"), ("ood", "out-of-domain")):
        path = settings.corpus_dir / "eval" / f"{stem}-{split}.jsonl"
        rows += rows_for(assistant, read_jsonl(path, GateQuestion), name)
    if split == "dev":
        for path in sorted((ROOT / "benchmarks").glob("gold_probes*.jsonl")):
            questions = read_jsonl(path, GateQuestion)
            for q in questions:
                q.family = f"{path.stem}:{q.family}"
            rows += rows_for(assistant, questions, "probes")
    if XQUAD.exists():
        rows += xquad_rows(settings, split)
    return rows


def xquad_rows(settings: Settings, split: str) -> list[dict[str, Any]]:
    """XQuAD with every fifth passage removed: answerable and orphaned questions."""
    folder = Path(tempfile.mkdtemp(prefix="xquad-"))
    passages, questions = convert(XQUAD, folder)
    kept, asked = holdout(passages, questions, folder / "holdout")
    assistant, _ = scratch_assistant(settings, gate_model=GateModel.always())
    assistant.index_documents(load_eval_corpus(settings, kept))
    return rows_for(assistant, xquad_questions(asked, passages, questions, split), "xquad")


def main(split: str) -> Path:
    """Collect and write the rows of ``split`` ("dev" or "test")."""
    settings = load_settings(data_dir=ROOT / "data", corpus_dir=ROOT / "corpus")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"rows-{split}.jsonl"
    rows = collect(settings, split)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("dev", "test"):
        raise SystemExit(__doc__)
    print(main(sys.argv[1]))
