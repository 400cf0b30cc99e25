"""What an upload may hold: names flattened, types and sizes checked, archives opened safely."""

import io
import stat
import zipfile

import pytest

from annotate.errors import TooLarge
from annotate.jobs.intake import Limits, flat_name, intake


def archive(*entries: tuple[str, bytes] | zipfile.ZipInfo) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for entry in entries:
            if isinstance(entry, zipfile.ZipInfo):
                z.writestr(entry, b"/etc/passwd")
            else:
                z.writestr(*entry)
    return buffer.getvalue()


def outcome(files):
    return [(f.name, f.reason) for f in files]


@pytest.mark.parametrize(
    "raw, name",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\x\\report.md", "report.md"),
        ("/abs/notes.txt", "notes.txt"),
        ("..", ""),
        ("a/b/", ""),
        ("bell\x07name.txt", "bellname.txt"),
    ],
)
def test_a_name_is_never_a_path(raw, name):
    assert flat_name(raw) == name


def test_folders_in_an_archive_are_flattened_and_links_nested_archives_and_hidden_files_are_not_read():
    link = zipfile.ZipInfo("docs/link.txt")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    files = intake(
        [
            (
                "pack.zip",
                archive(
                    ("a/b/one.txt", b"first"),
                    ("../up.md", b"second"),
                    (".hidden.txt", b"x"),
                    ("__MACOSX/a/._one.txt", b"x"),
                    ("inner.zip", b"PK"),
                    link,
                    ("photo.png", b"x"),
                ),
            )
        ]
    )
    assert outcome(files) == [
        ("pack.zip/one.txt", None),
        ("pack.zip/up.md", None),
        ("pack.zip/inner.zip", "an archive inside an archive: unpack it first"),
        ("pack.zip/link.txt", "a link inside the archive: only files are read"),
        ("pack.zip/photo.png", "unsupported file type '.png'; expected one of .txt, .md, .markdown, .html, .htm, .jsonl, .json, .zip"),
    ]
    assert files[0].data == b"first"


def test_a_folder_from_the_browser_is_flattened_and_its_hidden_files_are_left_out():
    files = intake(
        [
            ("reports/one.txt", b"first"),
            ("reports/.DS_Store", b"x"),
            ("reports/__MACOSX/sub/notes.md", b"x"),
            ("reports/sub/one.txt", b"second"),
            ("reports/sub/scan.pdf", b"x"),
            (".env.txt", b"a hidden file chosen on its own is read"),
        ]
    )
    assert outcome(files) == [
        ("one.txt", None),
        ("one (2).txt", None),
        ("scan.pdf", "unsupported file type '.pdf'; expected one of .txt, .md, .markdown, .html, .htm, .jsonl, .json, .zip"),
        (".env.txt", None),
    ]


def test_a_broken_archive_is_named_and_the_rest_goes_on():
    files = intake([("broken.zip", b"PK\x03\x04 not really"), ("fine.txt", b"text")])
    assert files[0].name == "broken.zip" and files[0].reason.startswith("not a readable zip archive")
    assert outcome(files[1:]) == [("fine.txt", None)]


def test_two_files_flattened_to_one_name_stay_two():
    files = intake([("p.zip", archive(("x/report.txt", b"one"), ("y/report.txt", b"two")))])
    assert [f.name for f in files] == ["p.zip/report.txt", "p.zip/report (2).txt"]


def test_sizes_and_counts_are_limited():
    bounds = Limits(max_files=3, max_bytes=200)
    assert outcome(intake([("big.txt", b"x" * 201)], bounds)) == [("big.txt", "larger than 200 bytes (a file's limit)")]
    with pytest.raises(TooLarge):
        intake([("a.txt", b"x" * 120), ("b.txt", b"x" * 120)], bounds)  # each fits, together they do not
    with pytest.raises(TooLarge):
        intake([(f"{i}.txt", b"x") for i in range(4)], bounds)
    bomb = archive(("zeros.txt", b"0" * 10_000))
    assert len(bomb) < 200  # small packed, 10 kB unpacked
    assert outcome(intake([("bomb.zip", bomb)], bounds)) == [("bomb.zip/zeros.txt", "larger than 200 bytes unpacked (a file's limit)")]
