"""The LLM mode measured question by question, and the gate threshold it answers best with.

The LLM can say "not in the sources" itself, so the gate need not be as cautious in LLM mode as
in extractive mode. This runs the configured model (``ASSISTANT_LLM_GGUF`` or an endpoint) on
the ``dev`` questions with the gate open, records for each question the gate's probability and
what the model made of it (a cited answer with the key fact, a fallback, "not in the sources"),
and chooses the LLM mode's threshold on that record alone: the one with the best mean of
"answerable answered with the key fact, cited" and "unanswerable abstained". ``test`` is then
measured with ``assistant eval --mode llm``.

    ASSISTANT_LLM_GGUF=model.gguf python -m benchmarks.llm corpus/eval/gold-dev.jsonl [--save]

After a refit of the gate (``make gate``) the recorded answers stay valid: with the gate open
the model sees every question whatever the gate says. ``--rescore`` reads the record again with
the new gate's probabilities, without the model, and chooses the threshold on it:

    python -m benchmarks.llm corpus/eval/gold-dev.jsonl --rescore [--save]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answer.gate import MODEL_PATH, GateModel
from assistant.evaluation import EvalQuestion, load_eval_corpus, read_jsonl, scratch_assistant
from assistant.models import Answer, Lang
from assistant.scoring import fact_cited
from assistant.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


def record(questions_path: Path) -> list[dict[str, Any]]:
    """One row per question: gate probability, and the LLM's answer with the gate open."""
    settings = load_settings(data_dir=ROOT / "data", corpus_dir=ROOT / "corpus")
    fitted = GateModel.load()
    open_gate = GateModel(fitted.answerable, 0.0, fitted.out_of_domain)
    assistant, _ = scratch_assistant(settings, gate_model=open_gate, mode="llm")
    corpus = load_eval_corpus(settings, None)
    assistant.index_documents(corpus)
    # the quoted answer to the same question, to compare the two modes line by line
    extractive, _ = scratch_assistant(settings, gate_model=open_gate)
    extractive.index_documents(corpus)
    rows = []
    for q in read_jsonl(questions_path, EvalQuestion):
        lang: Lang = "en" if q.lang == "en" else "de"
        *_, answer = assistant.answer_stream(q.question, lang)
        *_, quoted = extractive.answer_stream(q.question, lang)
        generation = answer.generation
        rows.append(
            {
                "id": q.id,
                "answerable": q.answerable,
                "probability": answer.confidence if answer.confidence is not None else 0.0,
                "abstained": answer.abstained,
                "mode": answer.mode,
                "fact_cited": answered_with_fact(answer, q),
                "generation": generation.model_dump() if generation else None,
                "lang": lang,
                "answer": answer.answer,
                "extractive_fact_cited": answered_with_fact(quoted, q),
            }
        )
    return rows


def rescore(questions_path: Path, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The recorded rows with the probabilities of the gate as fitted now.

    Answers that did not pass the gate keep theirs: list and contact answers (1.0) and curated
    answers to a FAQ variant asked word for word (1.0) never reach it.
    """
    settings = load_settings(data_dir=ROOT / "data", corpus_dir=ROOT / "corpus")
    assistant, _ = scratch_assistant(settings)
    assistant.index_documents(load_eval_corpus(settings, None))
    questions = {q.id: q for q in read_jsonl(questions_path, EvalQuestion)}
    out = []
    for row in rows:
        if row["probability"] < 1.0:
            q = questions[row["id"]]
            _, decision = assistant.judge(q.question, "en" if q.lang == "en" else "de")
            row = {**row, "probability": round(decision.probability, 4)}
        out.append(row)
    return out


def answered_with_fact(answer: Answer, question: EvalQuestion) -> bool:
    """An answer, not an abstention, whose cited text holds one of the question's key facts."""
    return bool(question.answers) and not answer.abstained and fact_cited(answer, question.answers)


def choose(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The threshold with the best mean of answered-with-fact and abstained, and the curve."""
    curve = {}
    for t in np.round(np.arange(0.0, 0.96, 0.05), 2):
        answerable = [r for r in rows if r["answerable"]]
        unanswerable = [r for r in rows if not r["answerable"]]
        right = np.mean([r["probability"] >= t and r["fact_cited"] for r in answerable])
        abstained = np.mean([r["probability"] < t or r["abstained"] for r in unanswerable])
        curve[float(t)] = (round(float(right), 4), round(float(abstained), 4))
    best = max(curve, key=lambda t: sum(curve[t]))
    return {"threshold": best, "at_threshold": curve[best], "curve": curve}


def save(choice: dict[str, Any], model: str, questions: Path, rescored: bool = False) -> None:
    """Write the chosen threshold into the gate model file, saying how it was chosen."""
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    how = ", answers recorded before the gate's refit, rescored" if rescored else ""
    data["llm_threshold"] = {
        "value": choice["threshold"],
        "by": f"benchmarks/llm.py on {questions.name} with {model}, gate open{how}",
        "dev_answered_with_fact_and_abstained": choice["at_threshold"],
    }
    MODEL_PATH.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0] if args else ROOT / "corpus/eval/gold-dev.jsonl")
    out = ROOT / "data" / "gate" / f"llm-{path.stem}.jsonl"
    if "--rescore" in sys.argv:
        recorded = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        rows = rescore(path, recorded)
    else:
        rows = record(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    choice = choose(rows)
    if "--save" in sys.argv:  # the threshold the LLM mode uses from now on
        configured = load_settings()
        name = configured.llm_gguf.name if configured.llm_gguf else str(configured.llm_model)
        save(choice, name, path, "--rescore" in sys.argv)
    print(json.dumps(choice))
