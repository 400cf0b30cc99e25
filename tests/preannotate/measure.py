"""Print the quality and speed figures for the rules annotator.

    .venv/bin/python -m tests.preannotate.measure

Quality: our sample documents, three held-out sets (each written, with its gold,
before the rules were run on it) and claims-only gold for the shared corpus seeds.
Speed: CPU time per 10,000-character document after warm-up, and start-up time.
"""

import json
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

START = time.process_time()
from annotate.preannotate.base import DocumentInput
from annotate.preannotate.evaluate import evaluate, format_report, predictions, read_jsonl
from annotate.preannotate.registry import get_annotator
from tests.factories import CORPUS

SEEDS = {
    "000": ("2023-04-05", "Institute for the Study of War", "Share the Post:"),
    "001": ("2024-01-07", "Institute for the Study of War", "Share the Post:"),
    "002": ("2024-06-04", "Ukrainska Pravda", None),
    "003": ("2023-08-31", "Human Rights First", "Related Posts"),
}


def folder_documents(folder: Path, gold: list[dict]):
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    for record in gold:
        text = (folder / record["doc"]).read_text(encoding="utf-8")
        m = meta[record["doc"]]
        cut = text.find(m["boilerplate_from"]) if "boilerplate_from" in m else -1
        boilerplate = ((cut, len(text)),) if cut >= 0 else ()
        yield record["doc"], DocumentInput(text, published=m["published"], publisher=m["publisher"], boilerplate=boilerplate)


def seed_documents(gold: list[dict]):
    for record in gold:
        published, publisher, cut = SEEDS[record["doc"].split("/")[1][:3]]
        text = (CORPUS / record["doc"]).read_text(encoding="utf-8")
        boilerplate = ((text.index(cut), len(text)),) if cut else ()
        yield record["doc"], DocumentInput(text, published=published, publisher=publisher, boilerplate=boilerplate)


def speed(annotator) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(HERE.glob("*/*.txt"))]
    big = "\n\n".join(texts) * 4
    docs = [DocumentInput(big[i : i + 10_000], published="2024-01-07") for i in range(0, len(big) - 10_000, 10_000)]
    for doc in docs:
        annotator.annotate(doc)
    start, runs = time.process_time(), 0
    while time.process_time() - start < 5:
        for doc in docs:
            annotator.annotate(doc)
            runs += 1
    per_doc = (time.process_time() - start) / runs
    return f"{per_doc * 1000:.1f} ms CPU per 10k-character document, {1 / per_doc:.0f} documents/s on one core"


def main() -> None:
    annotator = get_annotator("rules")
    annotator.annotate(DocumentInput("Putin said on April 5 that Kyiv would fall."))
    print(f"start-up (imports, pipeline, gazetteer, first document): {time.process_time() - START:.2f} s CPU\n")
    for name in ("gold/samples.jsonl", "heldout/gold.jsonl", "heldout2/gold.jsonl", "heldout3/gold.jsonl"):
        path = HERE / name
        gold = read_jsonl(path)
        folder = HERE / "samples" if name.startswith("gold/") else path.parent
        print(f"== {name}\n{format_report(evaluate(gold, predictions(annotator, folder_documents(folder, gold))))}\n")
    if CORPUS.exists():
        gold = read_jsonl(HERE / "gold" / "seeds_claims.jsonl")
        predicted = [{**p, "entities": []} for p in predictions(annotator, seed_documents(gold))]
        report = evaluate(gold, predicted)
        print("== gold/seeds_claims.jsonl (claims only)\n" + format_report(report).split("claims\n", 1)[1] + "\n")
    print(speed(annotator))


if __name__ == "__main__":
    main()
