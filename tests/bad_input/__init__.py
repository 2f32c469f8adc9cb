"""A corpus of bad and awkward note files, built on demand, with the ingest result each expects.

`build_bad_corpus(folder)` writes the files and returns {relative path: expected error
reason fragment, or None for a file that must be read as a note}. Skipped files (a
template, a read-me, the analyst's CSV, lock files) are written too and expected nowhere.
Run `python tests/bad_input/__init__.py OUT_DIR` to write the corpus for a manual build.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

GOOD_NOTE = "# Rekomendacje\n\n- Należy uruchomić punkt informacyjny na Woli.\n"


def _zip_bomb(uncompressed_mb: int) -> bytes:
    """A .docx-named zip whose one member inflates to `uncompressed_mb` MB of zeros."""
    buffer = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(uncompressed_mb):
                member.write(chunk)
    return buffer.getvalue()


def declare_size(zip_bytes: bytes, size: int) -> bytes:
    """The zip with the uncompressed size in its central directory rewritten to `size`.

    A crafted bomb: the central directory (all a size check may read) claims `size` bytes.
    """
    data = bytearray(zip_bytes)
    header = data.index(b"PK\x01\x02")
    data[header + 24 : header + 28] = size.to_bytes(4, "little")
    return bytes(data)


def build_bad_corpus(folder: Path) -> dict[str, str | None]:
    """Write the corpus under `folder`; return the expected outcome per relative path."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {
        "dobra notatka.md": GOOD_NOTE.encode(),
        "Grupa 2 – Żoliborz.md": GOOD_NOTE.encode(),
        "pusta.md": b"",
        "same-spacje.txt": b"  \n\r\n\t\n",
        "binarna.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "sterujace.md": bytes(range(1, 9)) * 50,
        "raport.pdf": b"%PDF-1.4\n",
        "stary.doc": b"\xd0\xcf\x11\xe0",
        "bez-rozszerzenia": b"tekst",
        "obciety.docx": _zip_bomb(1)[:200],
        "nie-zip.odt": b"to nie jest plik ODT",
        "bomba.docx": declare_size(_zip_bomb(1), 3_000_000_000),
        "zly-yaml.md": b"---\nevent: [niezamkniete\ndate: 2022-05-27\n---\n- punkt\n",
        "niezamkniety.md": b"---\nevent: Spotkanie\n- punkt\n",
        "gleboki-yaml.md": b"---\nevent: " + b"[" * 50_000 + b"\n---\n- punkt\n",
        "aliasy-yaml.md": (
            b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            b"participants: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n---\n- punkt\n"
        ),
        "latin1-nie-polski.txt": "Ça coûte très cher à Genève".encode("latin-1"),
        "TEMPLATE.md": b"---\nevent:\n---\n",
        "README.md": b"# Notes\n",
        "corrections.csv": b"item_id,field,value\n",
        "~$otatka.docx": b"\x00lock",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
    }
    expected: dict[str, str | None] = {
        "dobra notatka.md": None,
        "Grupa 2 – Żoliborz.md": None,
        "pusta.md": "empty note",
        "same-spacje.txt": "empty note",
        "binarna.md": "binary content, not text",
        "sterujace.md": "binary content, not text",
        "raport.pdf": "unsupported file type .pdf (accepted: .md, .markdown, .txt, .docx, .odt)",
        "stary.doc": "save it as .docx",
        "bez-rozszerzenia": "unsupported file without extension",
        "obciety.docx": "damaged or not a Word (.docx) file",
        "nie-zip.odt": "damaged or not a LibreOffice (.odt) file",
        "bomba.docx": "compressed archive expands to 2861 MB, over the limit of 200 MB",
        "zly-yaml.md": "invalid YAML in front matter",
        "niezamkniety.md": "front matter opened with '---' is never closed",
        "gleboki-yaml.md": "front matter is nested too deeply",
        "aliasy-yaml.md": "each participant must be one name per '- ' line",
        "latin1-nie-polski.txt": "text encoding not recognised",
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    loop = folder / "petla"
    loop.mkdir(exist_ok=True)
    (loop / "notatka.md").write_bytes(GOOD_NOTE.encode())
    if not (loop / "z-powrotem").is_symlink():
        os.symlink("..", loop / "z-powrotem")
    expected["petla/notatka.md"] = None
    expected["petla/z-powrotem"] = "symbolic link loop"
    if not (folder / "sam-do-siebie.md").is_symlink():
        os.symlink("sam-do-siebie.md", folder / "sam-do-siebie.md")
    expected["sam-do-siebie.md"] = "symbolic link loop"
    if not (folder / "zerwany.md").is_symlink():
        os.symlink("nie-istnieje.md", folder / "zerwany.md")
    expected["zerwany.md"] = "broken symbolic link"
    return expected


if __name__ == "__main__":
    for path, reason in build_bad_corpus(Path(sys.argv[1])).items():
        print(f"{path}: {reason or 'read as a note'}")
