"""Refit the shipped pair judge and relation model (annotate/linking/model/judge.json, relations.json).

Each corpus gets its own scratch record (`init`, `ingest`, `links index`): one record holding
several corpora mixes their candidates, and a judge fitted on such pools ranked worse on each.
The pools and gold links of every corpus are then joined and fitted at once. Run it whenever
pre-annotation, the cues or the judge's features change: the weights are fitted on their outputs.

    python scripts/fit_shipped_link_models.py                                  # dev corpus + examples
    python scripts/fit_shipped_link_models.py --corpus DOCS GOLD [--corpus …] [--out FOLDER]

Then check: `claimtrail links evaluate --gold GOLD --top 5 [--held-out]` on each corpus.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = [
    (ROOT.parent / "shared" / "corpus" / "dev" / "docs", ROOT.parent / "shared" / "corpus" / "dev" / "links.jsonl"),
    (ROOT / "examples" / "reports", ROOT / "examples" / "gold" / "links.jsonl"),
]


def scratch_record(docs: Path, home: Path) -> str:
    """A new SQLite record in `home` holding `docs`, its claims indexed; returns its database URL."""
    url = f"sqlite:///{home / 'record.sqlite'}"
    env = {**os.environ, "CLAIMTRAIL_HOME": str(home), "CLAIMTRAIL_DATABASE_URL": url}
    for args in (["init"], ["ingest", str(docs)], ["links", "index"]):
        subprocess.run([sys.executable, "-m", "annotate", *args], env=env, check=True, stdout=subprocess.DEVNULL)
    return url


def corpus_examples(url: str, gold_path: Path):
    """(judge rows, judge labels, the asking claim of each row, relation rows, relations) of one corpus."""
    from annotate.commands.common import open_record
    from annotate.linking import training
    from annotate.linking.evaluate import load_gold, matched_links, relation_examples

    with open_record(url).session() as session:
        links = matched_links(session, load_gold(gold_path))
        linked = {frozenset((r["a_claim"], r["b_claim"])) for r in links}
        rows, labels, owners = training.examples(training.pools(session, {c for pair in linked for c in pair}), linked)
        return rows, labels, owners, relation_examples(session, links), [r["relation"] for r in links]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs=2, action="append", metavar=("DOCS", "GOLD"), type=Path, help="documents folder and its gold links (repeatable)")
    parser.add_argument("--out", type=Path, help="folder for judge.json and relations.json (default: the shipped ones)")
    args = parser.parse_args()

    from annotate.linking import judge, relation_model

    corpora = args.corpus or DEFAULT_CORPORA
    with tempfile.TemporaryDirectory(prefix="claimtrail-fit-") as scratch:
        urls = [scratch_record(docs, Path(scratch) / str(n)) for n, (docs, _) in enumerate(corpora)]
        found = [corpus_examples(url, gold) for url, (_, gold) in zip(urls, corpora)]
        for (_, gold), more in zip(corpora, found):
            print(f"{gold}: {len(more[4])} links, {len(more[0])} candidate pairs", flush=True)
        if len(corpora) > 1:
            cross_corpus(corpora, urls, found)
    rows, labels, relation_rows, relations = ([x for more in found for x in more[k]] for k in (0, 1, 3, 4))
    owners = [(n, owner) for n, more in enumerate(found) for owner in more[2]]  # claim ids repeat across records
    folder = args.out or judge.DEFAULT.parent
    folder.mkdir(parents=True, exist_ok=True)
    judge.save(judge.fit(rows, labels, owners), folder / judge.DEFAULT.name)
    relation_model.save(relation_model.fit(relation_rows, relations), folder / relation_model.DEFAULT.name)
    print(f"judge and relation model fitted on {len(relations)} links: {folder}")


def cross_corpus(corpora, urls, found) -> None:
    """Each corpus scored by a judge fitted on another alone: the nearest figure here to reports of
    another desk, written by other hands (leave one story out still shares the corpus's annotator)."""
    from annotate.commands.common import open_record
    from annotate.linking import judge
    from annotate.linking.evaluate import evaluate, load_gold

    for n, (rows, labels, owners, _, _) in enumerate(found):
        model = judge.fit(rows, labels, owners)
        for m, (url, (_, gold)) in enumerate(zip(urls, corpora)):
            if m != n:
                with open_record(url).session() as session:
                    report = evaluate(session, load_gold(gold), top=5, model=model)
                print(f"judge fitted on {corpora[n][1]} alone, scored on {gold}: recall@5 {report['recall_at_k']:.3f}")


if __name__ == "__main__":
    main()
