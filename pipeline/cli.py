"""The command line: parses arguments, calls the library, prints. No pipeline logic here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from tqdm import tqdm

from pipeline.errors import RekomendacjeError

DEFAULT_NOTES = Path("notes")
DEFAULT_DB = Path("db/rekomendacje.db")


class BarProgress:
    """Progress bars on stderr, one per stage (tqdm)."""

    def __init__(self) -> None:
        self.bars: list[tqdm] = []

    def stage(self, name: str, total: int | None):
        self.close()
        bar = tqdm(total=total, desc=name, unit=" it", file=sys.stderr, leave=False)
        self.bars.append(bar)
        return bar.update

    def close(self) -> None:
        for bar in self.bars:
            bar.close()
        self.bars.clear()


class ProjectGroup(click.Group):
    """Turns the project's error into one line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RekomendacjeError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(2)


def path_option(flag: str, dest: str, default: Path, help_text: str):
    """An option taking a path, with its default shown in --help."""
    return click.option(
        flag,
        dest,
        default=default,
        type=click.Path(path_type=Path),
        show_default=True,
        help=help_text,
    )


@click.group(cls=ProjectGroup)
@click.version_option(package_name="rekomendacje")
def cli() -> None:
    """rekomendacje: notatki ze spotkań → baza wiedzy / meeting notes → knowledge base."""


@cli.command()
@click.argument("notes_dir", default=DEFAULT_NOTES, type=click.Path(path_type=Path))
@path_option(
    "--db", "db_path", DEFAULT_DB, "Public database to write; the internal one goes beside it."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 2, databases untouched) if any note cannot be ingested.",
)
@click.option(
    "--cache",
    "cache_path",
    default=None,
    type=click.Path(path_type=Path),
    help="Incremental build cache file  [default: .cache/ beside the database]",
)
@click.option("--no-cache", is_flag=True, help="Parse and annotate every note afresh.")
def build(
    notes_dir: Path, db_path: Path, strict: bool, cache_path: Path | None, no_cache: bool
) -> None:
    """Build the databases from every note under NOTES_DIR.

    Unchanged notes are taken from the build cache; notes that cannot be read are
    listed (and counted in the summary) and the rest is built, unless --strict.

    \b
    Example:
      rekomendacje build notes --db db/rekomendacje.db
      rekomendacje build notes --strict   # CI: any unreadable note fails the build
    """
    from pipeline.build import build as run_build

    if not notes_dir.is_dir():
        raise RekomendacjeError("no such folder of notes", str(notes_dir))
    progress = BarProgress()
    try:
        summary = run_build(
            notes_dir,
            db_path,
            progress=progress,
            cache_path=cache_path,
            use_cache=not no_cache,
            strict=strict,
        )
    finally:
        progress.close()
    for error in summary.errors:
        where = f"{error.path}:{error.line}" if error.line else error.path
        click.echo(f"not ingested: {where}: {error.reason}", err=True)
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"{summary.notes} notes, {summary.items} items, {summary.recommendations} recommendations, "
        f"{summary.partnerships} partnerships, {summary.organizations} organizations, "
        f"{len(summary.errors)} errors, {summary.skipped_lines} skipped lines "
        f"in {summary.seconds:.1f} s → {db_path}"
    )


@cli.command()
@click.option(
    "--db",
    "db_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Database(s) to serve (default db/rekomendacje.db).",
)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(db_paths: tuple[Path, ...], port: int, host: str) -> None:
    """Serve the built database(s) with the project's Datasette configuration.

    \b
    Example:
      rekomendacje serve --db db/rekomendacje.db --port 8001
    """
    from pipeline.publish import serve_command

    paths = list(db_paths) or [DEFAULT_DB]
    for path in paths:
        if not path.exists():
            raise RekomendacjeError("database not found; run `rekomendacje build` first", str(path))
    argv = serve_command(paths, port=port, host=host)
    click.echo(f"Datasette: http://{host}:{port}/", err=True)
    os.execvp(argv[0], argv)


@cli.command()
@click.argument("source", default="-", type=click.File("r", encoding="utf-8"))
@click.argument("target", default="-", type=click.File("w", encoding="utf-8"))
def annotate(source, target) -> None:
    """Annotate JSON Lines records ("id", "text") with language, kind, themes, actors, districts.

    \b
    Example:
      echo '{"id": "1", "text": "Brakuje mieszkań na Woli."}' | rekomendacje annotate
    """
    from pipeline.annotate import annotate_records
    from pipeline.jsonl import read_records, write_records

    records = list(read_records(source, source.name))
    count = write_records(annotate_records(records), target)
    click.echo(f"{count} records annotated", err=True)


@cli.command()
@click.argument("source", default="-", type=click.File("r", encoding="utf-8"))
@click.argument("target", default="-", type=click.File("w", encoding="utf-8"))
def dedupe(source, target) -> None:
    """Add "cluster" to JSON Lines records: items stating the same thing share it.

    Records without annotate's fields are annotated first.

    \b
    Example:
      rekomendacje annotate items.jsonl | rekomendacje dedupe > clustered.jsonl
    """
    from pipeline.dedupe.jsonl import dedupe_records
    from pipeline.jsonl import read_records, write_records

    records = list(read_records(source, source.name))
    count = write_records(dedupe_records(records), target)
    click.echo(f"{count} records clustered", err=True)


@cli.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def evaluate(gold: Path) -> None:
    """Score annotate and dedupe against a gold JSON Lines file (precision, recall, F1 per label).

    \b
    Example:
      rekomendacje evaluate evaluation/dev-gold.jsonl
    """
    from pipeline.evaluation import evaluate_gold, format_report

    click.echo(format_report(evaluate_gold(gold)))


@cli.command()
@click.argument("registrations", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--min-size",
    type=int,
    default=None,
    help="Smallest group (default: groups.min_size in config.yaml).",
)
@click.option(
    "--max-size",
    type=int,
    default=None,
    help="Largest group (default: groups.max_size in config.yaml).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the proposal as CSV: the organisers' working file, with names.",
)
@click.option(
    "--verbose",
    is_flag=True,
    help="Also list each group's participants (organisation and sector only).",
)
def groups(
    registrations: Path,
    min_size: int | None,
    max_size: int | None,
    out_path: Path | None,
    verbose: bool,
) -> None:
    """Propose working groups from the registration form's CSV export.

    Each participant goes to one group: first choices where the sizes allow, then second
    choices, with at least three sectors in every group; shared "inne" subjects become
    extra groups. Printed output holds no names or e-mails.

    \b
    Example:
      rekomendacje groups notes/registrations/rejestracja-2022-05-27.csv \\
          --min-size 8 --max-size 18 --out private/grupy.csv
    """
    from pipeline.config import section
    from pipeline.groups import describe_proposal, propose_groups, write_proposal_csv
    from pipeline.registrations import read_registrations

    settings = section("groups")
    registration_file = read_registrations(registrations)
    proposal = propose_groups(
        registration_file.rows,
        min_size if min_size is not None else settings["min_size"],
        max_size if max_size is not None else settings["max_size"],
    )
    # Warnings only once the proposal stands, so bad input gives the error line alone.
    for warning in registration_file.warnings:
        click.echo(f"warning: {registrations}:{warning.line}: {warning.message}", err=True)
    for line in describe_proposal(proposal, verbose=verbose):
        click.echo(line)
    if out_path is not None:
        count = write_proposal_csv(proposal, out_path)
        click.echo(f"{count} wierszy / rows → {out_path}", err=True)


@cli.command()
@path_option("--db", "db_path", DEFAULT_DB, "Public database to release.")
@path_option("--out", "out_dir", Path("db/releases"), "Folder of releases (with releases.json).")
def release(db_path: Path, out_dir: Path) -> None:
    """Copy the public database as the next dated, versioned release, with a changelog.

    \b
    Example:
      rekomendacje release --db db/rekomendacje.db --out db/releases
    """
    from pipeline.release import make_release

    made = make_release(db_path, out_dir)
    click.echo(f"release {made.version}: {out_dir / made.database}, {out_dir / made.changelog}")


@cli.command()
@path_option("--db", "db_path", DEFAULT_DB, "Database to export.")
@path_option("--out", "out_dir", Path("exports"), "Folder for the exported files.")
def export(db_path: Path, out_dir: Path) -> None:
    """Export recommendations and partnerships (CSV), items (JSON Lines) and the
    organisations' partnership network (GraphML).

    \b
    Example:
      rekomendacje export --db db/rekomendacje.db --out exports/
    """
    from pipeline.export import export_all

    for name, rows in export_all(db_path, out_dir).items():
        click.echo(f"{out_dir / name}: {rows}")


@cli.command()
@path_option("--db", "db_path", DEFAULT_DB, "The public database (never the internal one).")
@click.option(
    "--out",
    "out_path",
    default=Path("reports/brief.html"),
    type=click.Path(dir_okay=False, path_type=Path),
    show_default=True,
    help="HTML file to write.",
)
@click.option("--pdf", is_flag=True, help="Also print a PDF beside it (needs /usr/bin/chromium).")
def report(db_path: Path, out_path: Path, pdf: bool) -> None:
    """Write the policy brief: recommendations by thematic area, then one page per district.

    \b
    Example:
      rekomendacje report --db db/rekomendacje.db --out reports/brief.html --pdf
    """
    from pipeline.report import print_pdf, write_brief

    brief = write_brief(db_path, out_path)
    click.echo(
        f"{brief.totals['recommendations']} recommendations, {len(brief.themes)} themes, "
        f"{len(brief.districts)} district pages → {out_path}"
    )
    if pdf:
        pdf_path = out_path.with_suffix(".pdf")
        print_pdf(out_path, pdf_path)
        click.echo(f"PDF → {pdf_path}")
