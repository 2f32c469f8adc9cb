"""DOCX and ODT notes read into Markdown-like lines, one line per paragraph or table row.

Headings become `#` lines (one `#` per level), list paragraphs `- ` lines (indented two
spaces per nesting level), paragraphs set entirely in bold `**…**` lines (they are often
headings), table rows `| cell | cell |` lines. A line's number is the position of its
paragraph or table row in the document, from 1.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from pipeline.config import section
from pipeline.errors import RekomendacjeError

_MEGABYTE = 1024 * 1024
_HEADING_STYLE = re.compile(r"(?:heading|nagłówek|заголовок)\s*(\d)")
_LIST_STYLE_LEVEL = re.compile(r"list.*\s(\d)$")
_TITLE_STYLES = ("title", "tytuł", "назва")
_BREAKS = re.compile(r"[\r\n\t\v]+")


def check_archive(raw: bytes, relative: str) -> None:
    """Refuse a damaged zip, or one whose declared contents exceed the configured limits.

    Reads only the central directory, so a zip bomb is refused before anything is inflated.
    The readers below use zipfile, which never inflates a member past its declared size.
    """
    settings = section("ingest")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    # A damaged zip raises BadZipFile, NotImplementedError (a garbled version field),
    # ValueError or EOFError; each means the same to a person.
    except Exception as error:  # noqa: BLE001
        raise RekomendacjeError(
            f"damaged or not a {_kind(relative)} file ({error})", relative
        ) from error
    if len(members) > settings["max_archive_members"]:
        raise RekomendacjeError(
            f"compressed archive has {len(members)} members, over the limit of "
            f"{settings['max_archive_members']}",
            relative,
        )
    expanded = sum(member.file_size for member in members)
    limit = settings["max_archive_uncompressed_mb"] * _MEGABYTE
    if expanded > limit:
        raise RekomendacjeError(
            f"compressed archive expands to {expanded // _MEGABYTE} MB, over the limit of "
            f"{settings['max_archive_uncompressed_mb']} MB",
            relative,
        )


def read_office_lines(raw: bytes, relative: str, note_format: str) -> list[str]:
    """The lines of a .docx or .odt note from its bytes; RekomendacjeError when unreadable."""
    check_archive(raw, relative)
    reader = _docx_lines if note_format == "docx" else _odt_lines
    try:
        return list(reader(io.BytesIO(raw)))
    # The parsers raise many types (zip, XML, KeyError for missing parts) on damaged input;
    # any of them means the same to a person: this file is damaged.
    except Exception as error:  # noqa: BLE001
        raise RekomendacjeError(
            f"damaged or not a {_kind(relative)} file ({type(error).__name__}: {error})", relative
        ) from error


def _kind(relative: str) -> str:
    return "Word (.docx)" if relative.lower().endswith(".docx") else "LibreOffice (.odt)"


def _flat(text: str) -> str:
    """One paragraph's text on one line (soft line breaks and tabs become spaces)."""
    return _BREAKS.sub(" ", text).strip()


def _docx_lines(source: io.BytesIO) -> Iterator[str]:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(source)

    def blocks(parent) -> Iterator[str]:
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                yield _docx_paragraph(Paragraph(child, document.part))
            elif child.tag == qn("w:tbl"):
                yield from _docx_table(Table(child, document.part))
            elif child.tag == qn("w:sdt"):  # content controls wrap ordinary paragraphs
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from blocks(content)

    yield from blocks(document.element.body)


def _docx_paragraph(paragraph) -> str:
    text = _flat(paragraph.text)
    if not text:
        return ""
    style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    heading = _HEADING_STYLE.search(style)
    if heading:
        return "#" * max(1, int(heading.group(1))) + " " + text
    if style in _TITLE_STYLES:
        return "# " + text
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    if numbering is not None or "list" in style:
        if numbering is not None and numbering.ilvl is not None:
            level = numbering.ilvl.val
        else:  # numbered through the style: "List Bullet 2" is the second level
            styled = _LIST_STYLE_LEVEL.search(style)
            level = int(styled.group(1)) - 1 if styled else 0
        return "  " * level + "- " + text
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs and all(run.bold for run in runs):
        return f"**{text}**"
    return text


def _docx_table(table) -> Iterator[str]:
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is repeated once per grid column
                continue
            seen.add(id(cell._tc))
            cells.append(_flat(" ".join(p.text for p in cell.paragraphs)))
        yield _table_row(cells)


def _table_row(cells: list[str]) -> str:
    filled = [cell for cell in cells if cell]
    return "| " + " | ".join(filled) + " |" if filled else ""


def _odt_lines(source: io.BytesIO) -> Iterator[str]:
    from odf.namespaces import TABLENS, TEXTNS
    from odf.opendocument import load
    from odf.teletype import extractText

    def blocks(parent, depth: int) -> Iterator[str]:
        for node in parent.childNodes:
            yield from block(node, depth)

    def block(node, depth: int) -> Iterator[str]:
        name = getattr(node, "qname", None)
        if name == (TEXTNS, "h"):
            level = int(node.attributes.get((TEXTNS, "outline-level"), 1) or 1)
            text = _flat(extractText(node))
            yield "#" * level + " " + text if text else ""
        elif name == (TEXTNS, "p"):
            yield _flat(extractText(node))
        elif name == (TEXTNS, "list"):
            yield from list_items(node, depth)
        elif name == (TABLENS, "table"):
            yield from table_rows(node)
        elif name == (TEXTNS, "section"):
            yield from blocks(node, depth)

    def list_items(node, depth: int) -> Iterator[str]:
        for item in node.childNodes:
            if getattr(item, "qname", None) != (TEXTNS, "list-item"):
                continue
            first = True
            for child in item.childNodes:
                if getattr(child, "qname", None) == (TEXTNS, "list"):
                    yield from list_items(child, depth + 1)
                    continue
                for line in block(child, depth):
                    # Later paragraphs of one list item are its continuation lines.
                    marker = "- " if first else "  "
                    yield "  " * depth + marker + line if line else ""
                    first = False

    def table_rows(node) -> Iterator[str]:
        for child in node.childNodes:
            name = getattr(child, "qname", None)
            if name == (TABLENS, "table-row"):
                cells = [
                    _flat(" ".join(extractText(p) for p in cell.childNodes))
                    for cell in child.childNodes
                    if getattr(cell, "qname", None) == (TABLENS, "table-cell")
                ]
                yield _table_row(cells)
            elif name in ((TABLENS, "table-header-rows"), (TABLENS, "table-rows")):
                yield from table_rows(child)

    yield from blocks(load(source).text, 0)
