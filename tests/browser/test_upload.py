"""The upload page in Chromium: files dropped in (one of them bad), the job's progress polled
until done, the bad file named with its reason, the good ones reviewable."""

import io
import zipfile

from tests.server.test_upload import REPORT, SECOND


def test_upload_files_watch_progress_and_see_the_bad_file_named(sign_in):
    alice = sign_in("alice")
    page = alice.page
    page.goto("/queue")
    page.click("nav >> text=Upload")
    page.wait_for_url("**/upload")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("folder/floods-browser.md", SECOND.replace("Friday", "Saturday"))
    page.set_input_files(
        "input[name=files]",
        files=[
            {"name": "harbour-browser.txt", "mimeType": "text/plain", "buffer": REPORT.replace("Tuesday", "Wednesday").encode()},
            {"name": "minutes.docx", "mimeType": "application/octet-stream", "buffer": b"PK not a report"},
            {"name": "more.zip", "mimeType": "application/zip", "buffer": packed.getvalue()},
        ],
    )
    page.click("button:has-text('Upload')")
    page.wait_for_url("**/upload/jobs/*", timeout=30_000)
    page.wait_for_selector('#job-status[data-status="done"]', timeout=90_000)  # polled by htmx, no reload
    rows = page.locator("#job-files tbody tr")
    assert rows.count() == 3
    bad = page.locator("#job-files tr", has_text="minutes.docx")
    assert "refused" in bad.inner_text() and "unsupported file type '.docx'" in bad.inner_text()
    good = page.locator("#job-files tr", has_text="more.zip/floods-browser.md")
    assert "1 (1 new)" in good.inner_text()
    assert page.locator("#job-progress").get_attribute("value") == "3"
    good.locator("a").first.click()  # the new document, with its candidates, a few seconds after the upload
    page.wait_for_selector("#doc-text", timeout=30_000)
    assert "flood barrier" in page.inner_text("#doc-text")
    assert page.locator("[id^=item-]").count() > 0  # candidates to review
    assert not alice.errors, alice.errors


def test_upload_a_whole_folder_its_hidden_files_left_out(sign_in, tmp_path):
    alice = sign_in("alice")
    page = alice.page
    folder = tmp_path / "morning"
    (folder / "east").mkdir(parents=True)
    (folder / "harbour-folder.txt").write_text(REPORT.replace("Tuesday", "Thursday"), encoding="utf-8")
    (folder / "east" / "floods-folder.md").write_text(SECOND.replace("Friday", "Sunday"), encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    page.goto("/upload")
    page.set_input_files("#upload-folder", str(folder))  # as a reviewer picks a folder
    page.click("button:has-text('Upload')")
    page.wait_for_url("**/upload/jobs/*", timeout=30_000)
    page.wait_for_selector('#job-status[data-status="done"]', timeout=90_000)
    names = sorted(page.locator("#job-files tbody tr td:first-child").all_inner_texts())
    assert names == ["floods-folder.md", "harbour-folder.txt"]  # flattened; the hidden file never listed
    assert page.locator("#job-files tr", has_text="floods-folder.md").locator("a", has_text="Flood defences tested after the storm").count() == 1
    assert not alice.errors, alice.errors


def test_upload_with_nothing_chosen_says_so(sign_in):
    alice = sign_in("alice")
    page = alice.page
    page.goto("/upload")
    page.click("button:has-text('Upload')")
    page.wait_for_selector("#toast:not([hidden])", timeout=20_000)
    assert "choose at least one file" in page.inner_text("#toast") and page.url.endswith("/upload")
