"""How similar must a generated sentence be to a source sentence to count as supported?

Labelled pairs without any labelling: the bundled corpus writes FAQ answers and partner
descriptions in German and English sentence by sentence. The i-th English sentence is a
supported restatement of the i-th German one (positive); of the other German sentences of the
same text it is not (a hard negative: same topic, other fact). The attribution check embeds
both as passages (``assistant.answer.attribution``).

    python -m benchmarks.attribution
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml

from assistant.settings import load_settings
from assistant.text import split_sentences
from assistant.wiring import build_embeddings

ROOT = Path(__file__).resolve().parents[1]


def bilingual_texts() -> list[tuple[list[str], list[str]]]:
    """(German sentences, English sentences) of texts that split into the same number."""
    out = []
    for path in sorted((ROOT / "corpus").glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            continue
        for item in data.get("entries") or [data]:
            text = item.get("answer") or item.get("description")
            if isinstance(text, dict) and {"de", "en"} <= set(text):
                de, en = split_sentences(text["de"]), split_sentences(text["en"])
                if len(de) == len(en) > 1:
                    out.append((de, en))
    return out


def main() -> dict[str, object]:
    embeddings = build_embeddings(load_settings(data_dir=ROOT / "data"))
    positive, negative = [], []
    for de, en in bilingual_texts():
        german = np.asarray(embeddings.embed_documents(de))
        english = np.asarray(embeddings.embed_documents(en))
        scores = english @ german.T
        for i in range(len(en)):
            for j in range(len(de)):
                (positive if i == j else negative).append(float(scores[i, j]))
    pos, neg = np.array(positive), np.array(negative)
    return {
        "pairs": len(pos),
        "hard_negatives": len(neg),
        "by_threshold": {
            str(t): {
                "supported_found": round(float((pos >= t).mean()), 3),
                "other_fact_accepted": round(float((neg >= t).mean()), 3),
            }
            for t in (0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9)
        },
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
