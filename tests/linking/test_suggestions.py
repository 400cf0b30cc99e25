"""Ranking, relation guesses and exclusions of link suggestions, on claims written for these tests."""

import pytest

from annotate.linking.suggest import suggest_links
from annotate.store.ledger import Change


@pytest.fixture
def kupiansk(newsroom):
    """Two spellings of one town: one entity merged into the other, one claim naming each."""
    variant = newsroom.entity("Kupyansk")  # the older row, merged later into the canonical spelling
    canon = newsroom.entity("Kupiansk", aliases=["Kupjansk"])
    newsroom.record.ledger.record("alice", "ui", Change("entity.merged", "entity", variant, set={"merged_into": canon}))
    oblast = newsroom.entity("Kharkiv Oblast")
    a = newsroom.story(
        "eastbank-july.md",
        "2023-07-18",
        "Eastbank Daily",
        "Shelling of Kupyansk intensified as Russian units massed east of the Oskil river.",
        entity_ids=[variant, oblast],
    )[0]
    b = newsroom.story(
        "civic-august.md",
        "2023-08-11",
        "Civic Monitor",
        "Authorities ordered families with children to leave Kupiansk and nearby villages.",
        entity_ids=[canon, oblast],
    )[0]
    noise = [
        newsroom.story(f"noise-{i}.md", "2023-08-01", "Compass Wire", f"Farmers near Odesa reported a harvest of {i} thousand tonnes of grain.", entity_ids=[])[
            0
        ]
        for i in range(5)
    ]
    return a, b, noise


def test_kupyansk_finds_kupiansk_through_the_merged_entity(record, kupiansk):
    a, b, _ = kupiansk
    with record.session() as s:
        suggestions = suggest_links(s, a, top=5)
    assert suggestions[0].other_id == b
    assert any("shared entities: Kupiansk" in r for r in suggestions[0].reasons)
    assert any(r.startswith("newer report (+24 days)") for r in suggestions[0].reasons)


def test_alias_without_merge_also_matches(record, newsroom):
    canon = newsroom.entity("Kupiansk", aliases=["Kupyansk"])
    separate = newsroom.entity("Kupyansk")  # a second row for the alias, never merged
    a = newsroom.story("x.md", "2023-07-18", "Eastbank", "Artillery hit Kupyansk overnight.", entity_ids=[separate])[0]
    b = newsroom.story("y.md", "2023-07-19", "Civic", "Evacuation buses left Kupiansk at dawn.", entity_ids=[canon])[0]
    with record.session() as s:
        assert [x.other_id for x in suggest_links(s, a)] == [b]
        assert [x.other_id for x in suggest_links(s, b)] == [a]


@pytest.fixture
def bakhmut(newsroom):
    wagner, city = newsroom.entity("Wagner Group", "ORG"), newsroom.entity("Bakhmut")
    ents = {"entity_ids": [wagner, city]}
    hedged = newsroom.story(
        "wire-mar.md", "2023-03-01", "Compass Wire", "Ukrainian commanders said troops may withdraw from Bakhmut if supply roads are cut.", **ents
    )[0]
    claim = newsroom.story(
        "wire-may.md",
        "2023-05-20",
        "Compass Wire",
        "Wagner Group chief said his fighters captured Bakhmut after months of fighting.",
        claimant="Yevgeny Prigozhin",
        **ents,
    )[0]
    echo = newsroom.story(
        "think-may.md",
        "2023-05-21",
        "Northwatch",
        "Wagner Group financier claimed that his fighters captured Bakhmut after months of fighting.",
        claimant="Prigozhin",
        **ents,
    )[0]
    denial = newsroom.story(
        "daily-may.md", "2023-05-22", "Eastbank Daily", "Kyiv denied that Wagner Group fighters captured Bakhmut, saying units held the outskirts.", **ents
    )[0]
    withdrew = newsroom.story("wire-jun.md", "2023-06-02", "Compass Wire", "Ukrainian troops withdrew from Bakhmut to new lines west of the city.", **ents)[0]
    return {"hedged": hedged, "claim": claim, "echo": echo, "denial": denial, "withdrew": withdrew}


def by_other(suggestions):
    return {s.other_id: s for s in suggestions}


def test_relation_guesses(record, bakhmut):
    with record.session() as s:
        from_claim = by_other(suggest_links(s, bakhmut["claim"], top=10))
        from_hedged = by_other(suggest_links(s, bakhmut["hedged"], top=10))
    assert from_claim[bakhmut["echo"]].relation == "same_event"
    assert from_claim[bakhmut["denial"]].relation == "contradicts"
    assert "denial words: denied" in from_claim[bakhmut["denial"]].reasons
    assert from_hedged[bakhmut["withdrew"]].relation == "updates"
    assert any(r.startswith("hedged earlier: may") for r in from_hedged[bakhmut["withdrew"]].reasons)
    # the echo is the closest restatement: ranked first
    assert next(iter(from_claim)) == bakhmut["echo"]


def test_relation_is_the_same_from_either_side(record, bakhmut):
    with record.session() as s:
        there = by_other(suggest_links(s, bakhmut["claim"]))[bakhmut["denial"]]
        back = by_other(suggest_links(s, bakhmut["denial"]))[bakhmut["claim"]]
    assert there.relation == back.relation == "contradicts"


def test_only_other_documents(record, newsroom):
    first, second = newsroom.story("one.md", "2023-05-20", "Wire", "Troops held Soledar on Monday.", "Troops held Soledar again.")
    other = newsroom.story("two.md", "2023-05-21", "Daily", "Troops held Soledar, officials said.")[0]
    with record.session() as s:
        assert [x.other_id for x in suggest_links(s, first)] == [other]


def test_dismissed_and_linked_never_come_back(record, bakhmut):
    from annotate.linking.links import Links

    claim, echo, denial = bakhmut["claim"], bakhmut["echo"], bakhmut["denial"]
    Links(record, "alice", "ui").dismiss(claim, denial, rationale="different point")
    Links(record, "alice", "ui").link(echo, claim, "same_event", rationale="same video")
    with record.session() as s:
        mine = {x.other_id for x in suggest_links(s, claim, top=50)}
        theirs = {x.other_id for x in suggest_links(s, denial, top=50)}
    assert denial not in mine and echo not in mine
    assert claim not in theirs  # dismissed from either side
    record.ledger.record("bob", "ui", Change("claim.accepted", "claim", denial, set={"status": "accepted"}))
    with record.session() as s:
        assert denial not in {x.other_id for x in suggest_links(s, claim, top=50)}


def test_meaning_ranks_a_paraphrase_without_shared_words_first(record, newsroom):
    """The shipped MiniLM model: "pull out" and "withdraw" mean the same, a salt mine does not."""
    city = newsroom.entity("Soledar")
    a = newsroom.story("a.md", "2023-01-10", "Wire", "Troops may withdraw from Soledar soon.", entity_ids=[city])[0]
    b = newsroom.story("b.md", "2023-01-11", "Daily", "Units could pull out of Soledar, officials hinted.", entity_ids=[city])[0]
    c = newsroom.story("c.md", "2023-01-11", "Post", "Soledar salt mine tours are cancelled, officials hinted.", entity_ids=[city])[0]
    with record.session() as s:
        found = suggest_links(s, a)
    assert [x.other_id for x in found][:2] == [b, c]
    assert any(r.startswith("similar meaning (cosine") for r in found[0].reasons)


def test_a_later_admission_meets_the_event_it_names_by_its_day(record, newsroom):
    """Ten months later a commander owns the attack of a given day: the two reports are far apart in time and
    share few words, but both texts give the day of the event, so the admission is among the suggestions for the
    first report (without the event-date leg it is not even a candidate: ninety nearer claims share more words)."""
    first = newsroom.story(
        "harbour-oct.md",
        "2022-10-09",
        "Eastbank Daily",
        "A lorry blew up on the harbour causeway on Saturday, and officials blamed saboteurs.",
        event_date="2022-10-08",
    )[0]
    newsroom.story(
        "dock-oct.md",
        "2022-10-10",
        "Compass Wire",
        *[f"Ferry crossings to the harbour resumed on route {i} after the causeway was closed." for i in range(45)],
        event_date="2022-10-10",
        event_date_inferred=True,
    )
    newsroom.story(
        "roads-oct.md",
        "2022-10-11",
        "Civic Monitor",
        *[f"Officials said repairs to causeway lane {i} would take weeks." for i in range(45)],
        event_date="2022-10-11",
        event_date_inferred=True,
    )
    admission = newsroom.story(
        "chief-aug.md", "2023-08-16", "Northwatch", "The security chief said his service carried out the strike of 8 October 2022.", event_date="2022-10-08"
    )[0]
    with record.session() as s:
        assert admission in [x.other_id for x in suggest_links(s, first)]  # the default list of ten
