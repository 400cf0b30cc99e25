"""Pages of the audit log and filters together: the same decisions however they are asked for.

Each filter is checked against the unfiltered log filtered here in Python, and paging by
`before` is checked to give back the whole log, page by page, with nothing twice.
"""

from datetime import timedelta

import pytest

import annotate.review.audit
from annotate.review.audit import AuditFilter, Viewer, audit_log
from annotate.store.ledger import Change

LEAD = Viewer("carol", "lead")
FILTERS = [
    {},
    {"actor": "alice"},
    {"actor": "nobody"},
    {"action": "claim.accepted"},
    {"action": "thread*"},
    {"since": "2024-05-02"},
    {"until": "2024-05-01"},
    {"since": "2024-05-01", "until": "2024-05-01"},
    {"since": "2024-05-01T08:03:00Z", "until": "2024-05-02T08:02:00Z"},
    {"since": "2030-01-01"},
    {"actor": "alice", "action": "claim.*", "since": "2024-05-01", "until": "2024-05-01"},
    {"actor": "bob", "until": "2024-05-01"},
    {"action": "claim.*", "document": 1},
    {"actor": "carol", "claim": 1},
    {"action": "thread_member.*", "thread": 1, "since": "2024-05-02"},
]


def log(story, f: AuditFilter, viewer=LEAD, **paging) -> list[int]:
    with story.record.session() as session:
        return [e["seq"] for e in audit_log(session, f, viewer, **paging)]


def pages(story, f: AuditFilter, size: int, viewer=LEAD) -> list[list[int]]:
    """The log a page at a time, as the /audit page's "Older decisions" link walks it."""
    found, before = [], None
    while page := log(story, f, viewer, limit=size, before=before):
        found.append(page)
        before = page[-1]
    return found


def everything(story) -> list[dict]:
    with story.record.session() as session:
        return list(audit_log(session, AuditFilter(), LEAD))


def expected(story, **f) -> list[int]:
    """The filter applied in Python to the unfiltered log (document, claim and thread by their seqs)."""
    concerns = {key: set(log(story, AuditFilter(**{key: f[key]}))) for key in ("document", "claim", "thread") if key in f}
    since = annotate.review.audit._moment(f["since"]) if "since" in f else ""
    until = f.get("until")
    end = annotate.review.audit._moment(until, end_of_day=True) if until else ""
    action = f.get("action", "")

    def passes(e) -> bool:
        return (
            (not f.get("actor") or e["actor"] == f["actor"])
            and (not action or (e["action"].startswith(action[:-1]) if action.endswith("*") else e["action"] == action))
            and e["at"] >= since
            and (not until or (e["at"] < end if len(until) == 10 else e["at"] <= end))
            and all(e["seq"] in seqs for seqs in concerns.values())
        )

    return [e["seq"] for e in everything(story) if passes(e)]


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: ",".join(f) or "none")
def test_each_filter_and_combination_finds_what_it_says(story, f):
    assert log(story, AuditFilter(**f)) == expected(story, **f)


@pytest.mark.parametrize("window", [0, 2, 10_000])  # every date range wide, small ranges narrow, every range narrow
def test_date_ranges_wide_or_narrow_find_the_same(story, monkeypatch, window):
    monkeypatch.setattr(annotate.review.audit, "WINDOW", {"sqlite": window, "postgresql": window})
    for f in FILTERS:
        assert log(story, AuditFilter(**f)) == expected(story, **f), f


@pytest.mark.parametrize("window", [0, 10_000])
def test_a_clock_that_stepped_back_does_not_hide_a_decision(story, monkeypatch, window):
    """Times follow sequence numbers only as far as the clock does: a date range is not a seq range."""
    monkeypatch.setattr(annotate.review.audit, "WINDOW", {"sqlite": window, "postgresql": window})
    story.clock.now -= timedelta(days=1, hours=2)  # back to the first morning, before decisions made then
    story.record.ledger.record("dave", "ui", Change("claim.rejected", "claim", story.claims["timetable"], {"status": "rejected"}))
    first_day = log(story, AuditFilter(since="2024-05-01", until="2024-05-01"))
    assert first_day[0] == story.seqs["timetable_accepted"] + 1 and first_day == expected(story, since="2024-05-01", until="2024-05-01")
    assert log(story, AuditFilter(until="2024-05-01T08:01:00Z")) == [story.seqs["timetable_accepted"] + 1, 1]


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: ",".join(f) or "none")
@pytest.mark.parametrize("size", [1, 3])
def test_pages_put_together_are_the_whole_log(story, f, size):
    whole = log(story, AuditFilter(**f))
    walked = pages(story, AuditFilter(**f), size)
    assert [seq for page in walked for seq in page] == whole
    assert all(len(page) == size for page in walked[:-1])


def test_a_reviewers_pages_hold_only_their_own(story):
    alice = Viewer("alice", "reviewer")
    walked = pages(story, AuditFilter(action="claim.*"), 2, alice)
    assert [seq for page in walked for seq in page] == expected(story, actor="alice", action="claim.*")


def test_oldest_first_is_the_same_log_reversed(story):
    f = AuditFilter(since="2024-05-01", until="2024-05-01", action="claim.*")
    with story.record.session() as session:
        oldest = [e["seq"] for e in audit_log(session, f, LEAD, newest_first=False)]
    assert oldest == list(reversed(log(story, f))) and oldest
