"""The policy brief: the public database as one printable HTML page (and a PDF).

`load_brief(db_path)` reads the public database into a `Brief`: canonical
recommendations grouped by thematic area with their support and the partnerships
that answer them, then one page per district. `render_brief(brief)` turns it into
HTML with `pipeline/templates/brief.html.j2` (autoescaped, CSS inline, no external
resources); `print_pdf(html_path, pdf_path)` prints that HTML with headless Chromium.
Only the public (redacted) database is read: the brief is meant to be handed out.
"""

from __future__ import annotations

from pipeline.report.model import Brief, ReportSettings
from pipeline.report.query import load_brief
from pipeline.report.render import print_pdf, render_brief, write_brief

__all__ = ["Brief", "ReportSettings", "load_brief", "print_pdf", "render_brief", "write_brief"]
