"""Ingest: discovery, encodings, front matter, DOCX/ODT, and the bad-input corpus."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest
from bad_input import build_bad_corpus, declare_size
from docx import Document
from odf.opendocument import OpenDocumentText
from odf.table import Table, TableCell, TableRow
from odf.text import H, List, ListItem, P

from pipeline.config import section
from pipeline.errors import RekomendacjeError
from pipeline.ingest import read_note, read_notes

FRONT_MATTER_NOTE = """---
event: Konferencja robocza
date: 2022-05-27
group: Grupa 1
facilitator: Katarzyna W.
participants:
  - Urząd Dzielnicy Wola
  - PAH
language: UA
district: Praga-Północ
---

## Rekomendacje
- Należy uruchomić punkt.
"""


def write(folder: Path, name: str, content: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_front_matter_fills_the_note(tmp_path: Path) -> None:
    path = write(tmp_path, "2022-05-27/grupa-1.md", FRONT_MATTER_NOTE)
    document = read_note(path, tmp_path)
    note = document.note
    assert note.id == "2022-05-27-grupa-1"
    assert note.path == "2022-05-27/grupa-1.md"
    assert (note.event, note.date, note.group_name) == (
        "Konferencja robocza",
        "2022-05-27",
        "Grupa 1",
    )
    assert note.participants == ("Urząd Dzielnicy Wola", "PAH")
    assert (note.language, note.district, note.format, note.encoding) == (
        "uk",
        "praga_polnoc",
        "md",
        "utf-8",
    )
    assert note.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document.front_matter[0] == "---" and document.front_matter[-1] == "---"
    assert len(document.front_matter) == 11 and document.first_line == 12
    assert document.lines == ("", "## Rekomendacje", "- Należy uruchomić punkt.")


def test_date_comes_from_the_path_only_when_unambiguous(tmp_path: Path) -> None:
    one = write(tmp_path, "2022-06-14-bielany/notatka.md", "- punkt\n")
    two = write(tmp_path, "2022-06-14/2022-06-21.md", "- punkt\n")
    assert read_note(one, tmp_path).note.date == "2022-06-14"
    assert read_note(two, tmp_path).note.date is None


def test_invalid_yaml_is_an_error_row_but_the_note_is_kept(tmp_path: Path) -> None:
    path = write(tmp_path, "zly.md", "---\nevent: Spotkanie\ndate: [2022\n---\n- punkt pierwszy\n")
    result = read_notes(tmp_path)
    assert [d.lines for d in result.documents] == [("- punkt pierwszy",)]
    assert result.documents[0].note.event is None
    assert result.documents[0].first_line == 5
    [error] = result.errors
    assert error.path == "zly.md" and error.line == 3
    assert error.reason.startswith("invalid YAML in front matter")
    with pytest.raises(RekomendacjeError) as raised:
        read_note(path, tmp_path)
    assert str(raised.value).startswith("zly.md:3: invalid YAML")


def test_bad_front_matter_values_are_reported_with_their_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.md",
        "---\nevent: X\ndate: 27.05.2022\nmood: good\ndistrict: Grochów\n---\n- p\n",
    )
    result = read_notes(tmp_path)
    assert result.documents[0].note.event == "X"
    assert [(e.line, e.reason.split(" (")[0]) for e in result.errors] == [
        (3, "date '27.05.2022' is not an ISO date"),
        (4, "unknown front matter key 'mood'"),
        (5, "district 'Grochów' is not one of Warsaw's districts"),
    ]


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("Żółć - gęślą jaźń\r\n".encode("cp1250"), "cp1250"),
        ("Żółć - gęślą jaźń\n".encode("iso-8859-2"), "iso-8859-2"),
        ("\ufeffŻółć - gęślą jaźń\n".encode(), "utf-8-sig"),
        ("\ufeffŻółć - gęślą jaźń\n".encode("utf-16-le"), "utf-16"),
        ("Żółć - gęślą jaźń\n".encode(), "utf-8"),
    ],
)
def test_encodings_are_detected(tmp_path: Path, raw: bytes, encoding: str) -> None:
    document = read_note(write(tmp_path, "n.txt", raw), tmp_path)
    assert document.note.encoding == encoding
    assert document.lines == ("Żółć - gęślą jaźń",)


def test_mixed_line_endings_keep_line_numbers(tmp_path: Path) -> None:
    document = read_note(write(tmp_path, "n.md", b"a\r\nb\rc\n\nd\r\n"), tmp_path)
    assert document.lines == ("a", "b", "c", "", "d")


def test_symlink_loop_and_names_with_spaces_and_polish_letters(tmp_path: Path) -> None:
    write(tmp_path, "Grupa 3 – Żółte łąki/Notatka końcowa.md", "- punkt\n")
    os.symlink("..", tmp_path / "Grupa 3 – Żółte łąki" / "w górę")
    result = read_notes(tmp_path)
    assert [d.note.id for d in result.documents] == ["grupa-3-zolte-laki-notatka-koncowa"]
    assert [(e.path, e.reason) for e in result.errors] == [
        ("Grupa 3 – Żółte łąki/w górę", "symbolic link loop: points back to ..; not followed")
    ]


def test_colliding_ids_get_the_suffix(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "- x\n")
    write(tmp_path, "a.txt", "- y\n")
    assert [d.note.id for d in read_notes(tmp_path).documents] == ["a", "a-txt"]


def test_progress_is_called_once_per_note_file(tmp_path: Path) -> None:
    write(tmp_path, "b.md", "- x\n")
    write(tmp_path, "a/c.txt", "")
    write(tmp_path, "README.md", "# o notatkach\n")
    seen: list[str] = []
    read_notes(tmp_path, progress=seen.append)
    assert seen == ["a/c.txt", "b.md"]


def test_unreadable_file_is_an_error_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "ok.md", "- x\n")
    locked = write(tmp_path, "zablokowany.md", "- y\n")
    real_open = Path.open

    def guarded_open(self: Path, *args, **kwargs):
        if self.name == locked.name:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded_open)
    result = read_notes(tmp_path)
    assert [d.note.id for d in result.documents] == ["ok"]
    assert [(e.path, e.reason) for e in result.errors] == [
        ("zablokowany.md", "cannot read file: permission denied")
    ]


def test_fifo_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "kolejka.md")
    assert [(e.path, e.reason) for e in read_notes(tmp_path).errors] == [
        ("kolejka.md", "not a regular file (device, pipe or socket)")
    ]


def test_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(section("ingest"), "max_file_mb", 0.01)
    write(tmp_path, "duzy.md", "- punkt\n" * 2000)
    [error] = read_notes(tmp_path).errors
    assert error.reason == "file is 0.0 MB, over the limit of 0 MB"


def test_bad_input_corpus(tmp_path: Path) -> None:
    expected = build_bad_corpus(tmp_path)
    result = read_notes(tmp_path)
    read = {document.note.path for document in result.documents}
    errors = {error.path: error.reason for error in result.errors}
    for path, reason in expected.items():
        if reason is None:
            assert path in read and path not in errors, path
        else:
            assert reason in errors[path], (path, errors.get(path))
    kept_with_errors = {"zly-yaml.md", "niezamkniety.md", "gleboki-yaml.md", "aliasy-yaml.md"}
    expected_notes = {path for path, reason in expected.items() if reason is None}
    assert read == expected_notes | kept_with_errors
    assert set(errors) == {path for path, reason in expected.items() if reason}


def test_zip_bomb_is_refused_before_extracting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(section("ingest"), "max_archive_uncompressed_mb", 4)
    path = tmp_path / "bomba.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w") as member:
            for _ in range(8):
                member.write(bytes(1024 * 1024))
    assert path.stat().st_size < 50_000
    with pytest.raises(RekomendacjeError, match="expands to 8 MB, over the limit of 4 MB"):
        read_note(path, tmp_path)
    path.write_bytes(declare_size(path.read_bytes(), 4_000_000_000))
    with pytest.raises(RekomendacjeError, match="expands to 3814 MB"):
        read_note(path, tmp_path)


def build_docx(path: Path) -> None:
    document = Document()
    document.add_heading("Grupa 2 – zdrowie", level=1)
    document.add_paragraph("Notatka: Ewa L.")
    document.add_heading("Problemy", level=2)
    document.add_paragraph("Brakuje psychologów.", style="List Bullet")
    document.add_paragraph("W tym dziecięcych.", style="List Bullet 2")
    document.add_paragraph().add_run("Rekomendacje:").bold = True
    document.add_paragraph("")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "OPS Mokotów", "lista psychologów"
    table.cell(1, 0).text, table.cell(1, 1).text = "PMM", "infolinia"
    document.add_paragraph("Koniec.")
    document.save(str(path))


def test_docx_paragraphs_become_markdown_lines(tmp_path: Path) -> None:
    build_docx(tmp_path / "grupa 2.docx")
    document = read_note(tmp_path / "grupa 2.docx", tmp_path)
    assert document.note.format == "docx" and document.note.encoding is None
    assert document.lines == (
        "# Grupa 2 – zdrowie",
        "Notatka: Ewa L.",
        "## Problemy",
        "- Brakuje psychologów.",
        "  - W tym dziecięcych.",
        "**Rekomendacje:**",
        "",
        "| OPS Mokotów | lista psychologów |",
        "| PMM | infolinia |",
        "Koniec.",
    )


def test_truncated_docx_is_an_error_row(tmp_path: Path) -> None:
    build_docx(tmp_path / "a.docx")
    raw = (tmp_path / "a.docx").read_bytes()
    (tmp_path / "a.docx").write_bytes(raw[: len(raw) // 2])
    [error] = read_notes(tmp_path).errors
    assert error.reason.startswith("damaged or not a Word (.docx) file")


def test_odt_paragraphs_become_markdown_lines(tmp_path: Path) -> None:
    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Група 3"))
    document.text.addElement(P(text="Вступ."))
    document.text.addElement(H(outlinelevel=2, text="Рекомендації"))
    bullets = List()
    item = ListItem()
    item.addElement(P(text="Потрібні курси."))
    nested = List()
    nested_item = ListItem()
    nested_item.addElement(P(text="Увечері."))
    nested.addElement(nested_item)
    item.addElement(nested)
    bullets.addElement(item)
    document.text.addElement(bullets)
    table = Table()
    row = TableRow()
    for text in ("UD Włochy", "biblioteka"):
        cell = TableCell()
        cell.addElement(P(text=text))
        row.addElement(cell)
    table.addElement(row)
    document.text.addElement(table)
    document.save(str(tmp_path / "grupa-3.odt"))
    read = read_note(tmp_path / "grupa-3.odt", tmp_path)
    assert read.note.format == "odt"
    assert read.lines == (
        "# Група 3",
        "Вступ.",
        "## Рекомендації",
        "- Потрібні курси.",
        "  - Увечері.",
        "| UD Włochy | biblioteka |",
    )


def test_three_colliding_ids_stay_distinct(tmp_path: Path) -> None:
    for name in ("a.md", "A.md", "A.MD", "a.markdown"):
        write(tmp_path, name, "- x\n")
    documents = read_notes(tmp_path).documents
    assert [(d.note.path, d.note.id) for d in documents] == [
        ("A.MD", "a"),
        ("A.md", "a-md"),
        ("a.markdown", "a-markdown"),
        ("a.md", "a-2"),
    ]


def test_a_few_stray_bytes_in_utf8_are_replaced_and_reported(tmp_path: Path) -> None:
    raw = ("- Pierwszy punkt o mieszkaniach na Woli.\n" * 30).encode() + "- zły bajt: ".encode()
    raw += "ż".encode("cp1250") + b" tutaj\n"
    write(tmp_path, "mieszany.md", raw)
    result = read_notes(tmp_path)
    [document] = result.documents
    assert document.note.encoding == "utf-8"
    assert document.lines[-1] == "- zły bajt: \ufffd tutaj"
    assert [(e.line, e.reason) for e in result.errors] == [
        (31, "1 byte(s) that are not UTF-8 were replaced by '\ufffd'; save the file as UTF-8")
    ]
