"""`claimtrail train`: fit a spaCy NER model on reviewer-confirmed mentions."""

from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from annotate.commands.common import DbOption, console, err, open_record
from annotate.preannotate import trainconfig as defaults


def train(
    min_sentences: Annotated[int, typer.Option(help="Confirmed sentences needed before a model is trained.")] = defaults.MIN_SENTENCES,
    epochs: Annotated[int, typer.Option(help="Passes over the training sentences.")] = defaults.EPOCHS,
    seed: Annotated[int, typer.Option(help="Random seed (training is repeatable).")] = defaults.SEED,
    margin: Annotated[float, typer.Option(help="Held-out F1 the model must gain over the rules to be used for a label.")] = defaults.MARGIN,
    min_support: Annotated[int, typer.Option(help="Held-out spans a label needs before it can be trusted.")] = defaults.MIN_SUPPORT,
    db: DbOption = None,
) -> None:
    """Train an NER model from confirmed annotations; use it only for the labels where it beats the rules."""
    from annotate.preannotate import training

    record = open_record(db)
    with record.session() as session:
        dataset = training.collect(session)
        if len(dataset.sentences) < min_sentences:
            console.print(f"not enough confirmed annotations: {len(dataset.sentences)} of {min_sentences} sentences")
            return
        train_set, held = training.split(dataset.sentences)
        if not train_set or not held:  # one in five documents is held out: too few documents to compare
            console.print(f"not enough documents to train and evaluate: {len(train_set)} training, {len(held)} held-out sentences")
            return
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True) as bar:
            task = bar.add_task(f"training on {len(train_set)} sentences", total=training.batches(len(train_set), epochs))
            outcome = training.train(session, record.settings.home, dataset, epochs, seed, margin, min_support, on_batch=lambda: bar.advance(task))
    _report(outcome)


def _report(outcome) -> None:
    from annotate.preannotate import training

    table = Table("label", "gold", "model P", "model R", "model F1", "rules F1", "used")
    for label in sorted(set(outcome.model_scores) | set(outcome.rules_scores), key=lambda x: (x == "ALL", x)):
        m, r = outcome.model_scores.get(label, training.PRF()), outcome.rules_scores.get(label, training.PRF())
        table.add_row(label, str(m.tp + m.fn), f"{m.precision:.2f}", f"{m.recall:.2f}", f"{m.f1:.2f}", f"{r.f1:.2f}", "yes" if label in outcome.trusted else "")
    console.print(f"ner-{outcome.version}: {outcome.train_sentences} training, {outcome.held_out_sentences} held-out sentences")
    console.print(table)
    console.print(f"saved to {outcome.path}")
    if outcome.trusted:
        console.print(f"active for {', '.join(outcome.trusted)}: use `claimtrail preannotate --annotator rules+model`")
    else:
        console.print("the model beats the rules on no label: not activated")


def register(app: typer.Typer) -> None:
    app.command()(train)
