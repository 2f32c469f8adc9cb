"""The brief as HTML (Jinja2, autoescaped, CSS inline) and as PDF (headless Chromium)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import jinja2

from pipeline.errors import RekomendacjeError
from pipeline.report.model import Brief
from pipeline.report.query import load_brief

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)
PDF_TIMEOUT_SECONDS = 120


def plural(count: int, one: str, few: str, many: str) -> str:
    """The Polish form of a noun for a count: 1 grupa, 2 grupy, 5 grup, 22 grupy, 12 grup."""
    if count == 1:
        return one
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return few
    return many


def render_brief(brief: Brief) -> str:
    """The brief as one self-contained HTML document."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["plural"] = plural
    return environment.get_template("brief.html.j2").render(brief=brief)


def write_brief(db_path: Path, out_path: Path) -> Brief:
    """Render the brief of the public database to `out_path` (HTML) and return it."""
    brief = load_brief(db_path)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(render_brief(brief), encoding="utf-8")
    return brief


def print_pdf(html_path: Path, pdf_path: Path, chromium: Path = CHROMIUM) -> None:
    """Print an HTML file to PDF with headless Chromium (Debian's /usr/bin/chromium)."""
    if not chromium.exists():
        raise RekomendacjeError(
            f"no PDF: {chromium} not found; install it with `apt-get install -y chromium`"
        )
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    # A PDF left by an earlier run must not pass for this run's.
    pdf_path.unlink(missing_ok=True)
    # A profile of its own, so a Chromium already running (tests, a browser) cannot lock it.
    with tempfile.TemporaryDirectory(prefix="rekomendacje-chromium-") as profile:
        command = [
            str(chromium),
            *CHROMIUM_ARGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf_path.resolve()}",
            Path(html_path).resolve().as_uri(),
        ]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=PDF_TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as error:
            raise RekomendacjeError(
                "no PDF: Chromium did not finish in time", str(pdf_path)
            ) from error
    if result.returncode != 0 or not pdf_path.exists():
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise RekomendacjeError(f"no PDF: Chromium failed ({reason})", str(pdf_path))
