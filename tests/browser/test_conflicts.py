"""Two reviewers edit different fields of one claim in Chromium: the second meets the conflict, sees
both changes field by field, reapplies, and `claimtrail history` shows that both survived."""

import json
import os
from pathlib import Path

from typer.testing import CliRunner

TEXT = "Officials in Kupiansk said on Friday that the market would reopen. An aide said more was to come."
QUOTE = "Officials in Kupiansk said on Friday that the market would reopen."


def test_a_reapplied_edit_keeps_the_colleagues_change(sign_in, desk, record):
    from annotate.cli import app

    doc = desk.document(TEXT, "Market reopening")
    claim = desk.claim(doc, TEXT, QUOTE, claimant="Officials")
    alice, bob = sign_in("alice"), sign_in("bob")
    for who in (alice, bob):
        who.page.goto(f"/documents/{doc}")
        who.page.keyboard.press("e")
        who.page.wait_for_selector("form.edit input[name=claimant]:focus")
    bob.page.fill("form.edit input[name=claimant]", "Local officials")  # bob: the claimant
    bob.page.keyboard.press("Enter")
    bob.page.wait_for_selector("text=Corrected claim")
    alice.page.fill("form.edit input[name=event_date]", "2023-08-11")  # alice, on version 1: the date
    alice.page.press("form.edit input[name=event_date]", "Enter")
    alert = alice.page.locator("#conflict")
    alert.wait_for()
    assert "bob corrected the claim" in " ".join(alert.inner_text().split())
    assert "Officials → Local officials" in alert.locator("tr[data-field=claimant]").inner_text()
    assert "— → 2023-08-11" in alert.locator("tr[data-field=event_date]").inner_text()
    assert alert.locator("input[type=radio]").count() == 0  # different fields: nothing to choose
    if os.environ.get("CLAIMTRAIL_SCREENSHOTS") == "docs":  # docs/screenshot-conflict.png
        alert.screenshot(path=str(Path(__file__).resolve().parents[2] / "docs" / "screenshot-conflict.png"))
    alert.locator("button[data-reapply]").click()
    alice.page.wait_for_selector(f"text=Corrected claim #{claim} (version 3)")  # bob made 2: alice's reapply is 3

    shown = CliRunner().invoke(app, ["history", str(claim), "--format", "jsonl", "--db", record.settings.resolved_database_url])
    assert shown.exit_code == 0, shown.output
    versions = [json.loads(line) for line in shown.output.splitlines() if line.strip()]
    assert [(v["actor"], v["action"]) for v in versions[-2:]] == [("bob", "claim.corrected"), ("alice", "claim.corrected")]
    last = versions[-1]["after"]
    assert (last["claimant"], last["event_date"]) == ("Local officials", "2023-08-11")
    assert [e for e in alice.errors + bob.errors if "409 (Conflict)" not in e] == []  # the 409 is the conflict itself


def test_where_both_changed_the_same_field_the_reviewer_picks_one(sign_in, desk):
    doc = desk.document(TEXT, "Market reopening, again")
    claim = desk.claim(doc, TEXT, QUOTE, claimant="Officials")
    alice, bob = sign_in("alice"), sign_in("bob")
    for who in (alice, bob):
        who.page.goto(f"/documents/{doc}")
        who.page.keyboard.press("e")
        who.page.wait_for_selector("form.edit input[name=claimant]:focus")
    bob.page.fill("form.edit input[name=claimant]", "Local officials")
    bob.page.keyboard.press("Enter")
    bob.page.wait_for_selector("text=Corrected claim")
    alice.page.fill("form.edit input[name=claimant]", "The mayor")
    alice.page.keyboard.press("Enter")
    alert = alice.page.locator("#conflict")
    alert.wait_for()
    alert.locator("input[name=keep_claimant][value=mine]").check()
    alert.locator("button[data-reapply]").click()
    alice.page.wait_for_selector(f"text=Corrected claim #{claim} (version 3)")  # bob made 2: alice's reapply is 3
    assert desk.state("claim", claim)["claimant"] == "The mayor"  # chosen, not silently: both versions are in the history
