"""The pair judge: how likely a candidate claim is linked to the claim asked about.

A logistic model over features of the pair (what `features.compare()` measures, the
sentence-vector cosine and the candidate stage's ranks). Its weights are fitted on
reviewers' decisions — links are positives, dismissals and the other candidates of a
linked claim negatives — by `fit()`, listwise; the shipped default (model/judge.json) was fitted on
the dev set's gold links. Plain numpy: a few dozen weights need no library.
"""

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT = Path(__file__).resolve().parent / "model" / "judge.json"
L2 = 20.0  # ridge penalty: a hundred positives, keep weights small (10–30 alike held out; 100 worse)

FEATURES = (
    "lexical",
    "entity",
    "claimant",
    "shared_numbers",
    "shared_dates",
    "same_question",
    "time",
    "numbers_differ",
    "cosine",
    "cosine_sq",
    "rank_text",
    "rank_vector",
    "rank_entity",
    "fused",
    "log_days",
    "same_day",
    "event_gap",
    "one_denies",
    "one_negative",
    "hedged_then_done",
    "document_affinity",
    "document_cosine",
    "rank_story",
    "hand_score",
    "candidate_attributed",
    "candidate_dated",
    "candidate_length",
    "candidate_position",
    "candidate_entities",
    "rank_event",
)


def pair_features(me, other, f: dict, ranks: dict[str, int | None], fused: float, affinity: float, document_cosine: float, hand_score: float) -> list[float]:
    """The judge's inputs for one pair (symmetric except for the ranks, which are the asking claim's)."""
    days = abs(f["days"]) if f["days"] is not None else 30
    event_gap = abs((other.event_day - me.event_day).days) if me.event_day and other.event_day else 30
    cos = f.get("cosine", 0.0)
    one_negative = bool(me.denial or me.negation or me.negated) != bool(other.denial or other.negation or other.negated)
    earlier, later = (me, other) if (f["days"] or 0) >= 0 else (other, me)
    return [
        f["lexical"],
        f["entity"],
        float(f["claimant"]),
        min(1.0, len(f["shared_numbers"]) / 2),
        min(1.0, len(f["shared_dates"])),
        float(f["same_question"]),
        f["time"],
        float(f["numbers_differ"]),
        cos,
        cos * cos,
        _recip(ranks.get("text")),
        _recip(ranks.get("vector")),
        _recip(ranks.get("entity")),
        fused,
        math.log1p(days) / 5,
        float(days == 0),
        math.log1p(event_gap) / 5,
        float(bool(me.denial) != bool(other.denial)),
        float(one_negative),
        float(bool(earlier.hedges or earlier.hedged) and bool(later.completion)),
        affinity,
        document_cosine,
        float("story" in ranks),
        hand_score,
        *candidate_prior(other),
        _recip(ranks.get("event")),
    ]


def candidate_prior(other) -> list[float]:
    """How the candidate stands in its own report — what makes a sentence a claim reviewers link, whatever the
    story: a reporting verb ("said", "accused"), a date the text gives (not the day of the statement), its
    length, how early in the report it comes (the lead holds the main claims) and how many entities it names."""
    position = other.start / other.document_length if other.document_length else 0.5
    return [
        float(bool(other.reporting_verb)),
        float(not other.event_date_inferred),
        math.log1p(len(other.quote)) / 6,
        min(1.0, position),
        len(other.entity_ids) / 4,
    ]


def _recip(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / (1 + rank) ** 0.5


@dataclass
class Model:
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray

    def score(self, rows) -> np.ndarray:
        x = (np.asarray(rows, dtype=np.float64) - self.mean) / self.scale
        return 1 / (1 + np.exp(-(x @ self.weights + self.bias)))

    def to_json(self) -> dict:
        return {
            "features": list(FEATURES),
            "weights": [round(float(w), 5) for w in self.weights],
            "bias": round(self.bias, 5),
            "mean": [round(float(m), 5) for m in self.mean],
            "scale": [round(float(s), 5) for s in self.scale],
        }

    @classmethod
    def from_json(cls, data: dict) -> "Model":
        if list(data["features"]) != list(FEATURES):
            raise ValueError("judge weights were fitted on other features: refit them (claimtrail links fit)")
        return cls(np.array(data["weights"]), float(data["bias"]), np.array(data["mean"]), np.array(data["scale"]))


def fit(rows, labels, owners, l2: float = L2) -> Model:
    """A listwise fit: for each asking claim (`owners[n]` is row n's) with a linked candidate, the
    chance that its linked candidates come first among its pool (conditional logit, ridge, Newton
    steps with backtracking). A suggestion is a ranking within one pool, and this fit learns only
    what tells candidates of one pool apart. The weights are then scaled and a bias added so
    that a score reads as the chance that a candidate is linked (`calibrate`): order unchanged."""
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    mean, scale = x.mean(0), spread(x)
    z = (x - mean) / scale
    members: dict = {}
    for n, owner in enumerate(owners):
        members.setdefault(owner, []).append(n)
    pools = [np.array(m) for m in members.values() if y[m].sum() > 0]
    w = np.zeros(z.shape[1])
    loss = _listwise_loss(z, y, pools, l2)
    now = loss(w)
    for _ in range(50):
        grad, hess = l2 * w, np.diag(np.full(len(w), float(l2)))
        for pool in pools:
            zp, yp = z[pool], y[pool]
            p = _softmax(zp @ w)
            mu = p @ zp
            grad += yp.sum() * mu - yp @ zp
            hess += yp.sum() * ((zp * p[:, None]).T @ zp - np.outer(mu, mu))
        step, t = np.linalg.solve(hess, grad), 1.0
        while loss(w - t * step) > now and t > 1e-4:  # the Newton step can overshoot far from the optimum
            t /= 2
        w = w - t * step
        before, now = now, loss(w)
        if before - now < 1e-8:
            break
    slope, bias = calibrate(z @ w, y)
    return Model(w * slope, bias, mean, scale)


def _listwise_loss(z: np.ndarray, y: np.ndarray, pools: list[np.ndarray], l2: float):
    def loss(w: np.ndarray) -> float:
        total = 0.5 * l2 * float(w @ w)
        for pool in pools:
            s = z[pool] @ w
            top = s.max()
            total += float(y[pool].sum() * (top + np.log(np.exp(s - top).sum())) - y[pool] @ s)
        return total

    return loss


def _softmax(s: np.ndarray) -> np.ndarray:
    p = np.exp(s - s.max())
    return p / p.sum()


def calibrate(s: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and bias of a one-feature logistic fit of the labels on the scores (Platt scaling),
    the slope kept positive so the order stays the fit's."""
    a, b = 1.0, 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(a * s + b)))
        r, v = p - y, p * (1 - p)
        grad = np.array([r @ s + 1e-3 * a, r.sum()])
        hess = np.array([[v @ (s * s) + 1e-3, v @ s], [v @ s, v.sum() + 1e-9]])
        step = np.linalg.solve(hess, grad)
        a, b = max(a - step[0], 1e-3), b - step[1]
        if np.abs(step).max() < 1e-8:
            break
    return float(a), float(b)


def spread(x: np.ndarray) -> np.ndarray:
    """Each feature's standard deviation; 1 for a feature constant in the examples (it then adds nothing,
    and a value never seen in fitting cannot blow up when standardised)."""
    std = x.std(0)
    return np.where(std > 1e-9, std, 1.0)


_default: Model | None = None


def default_model() -> Model | None:
    global _default
    if _default is None and DEFAULT.exists():
        _default = Model.from_json(json.loads(DEFAULT.read_text(encoding="utf-8")))
    return _default


def save(model: Model, path: Path = DEFAULT) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
