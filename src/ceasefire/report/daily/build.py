"""One daily report end to end: facts from the store, figures, both documents, their
records. The command (`cli/report_cmd.py`) and `ceasefire demo` share it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ceasefire.domain import Observation
from ceasefire.domain.agreement import Agreement
from ceasefire.paths import data_dir
from ceasefire.report.daily.facts import DailyFacts
from ceasefire.report.daily.figures import categories_chart, draw_map, strikes_chart
from ceasefire.report.daily.html import render_html
from ceasefire.report.daily.layout import Figures, layout
from ceasefire.report.daily.load import load_facts, oblasts_path
from ceasefire.report.daily.pdf import render_pdf
from ceasefire.report.daily.period import ReportDay
from ceasefire.report.daily.record import Published, report_record
from ceasefire.report.daily.texts import texts
from ceasefire.store import Store


@dataclass(frozen=True, slots=True)
class DailyReport:
    facts: DailyFacts
    html: Published
    pdf: Published


def occupied_path(day: ReportDay) -> Path | None:
    """The bundled DeepState map of the day, if there is one."""
    path = data_dir() / "deepstate" / "daily" / f"deepstatemap_data_{day.day:%Y%m%d}.geojson"
    return path if path.is_file() else None


def draw_figures(facts: DailyFacts, t: dict[str, str]) -> Figures:
    occupied = occupied_path(facts.day)
    regions = [r.region for r in (*facts.strikes, *facts.tallies)]
    map_png = draw_map(oblasts_path(), occupied, regions, facts.incidents,
                       {"named": t["legend_named"], "occupied": t["legend_occupied"]})
    labels = {"day": t["legend_day"], "previous": t["legend_previous"],
              "launched": t["c_launched"], "destroyed": t["c_destroyed"]}
    return Figures(
        map_png=map_png,
        occupied=occupied is not None,
        strikes_png=strikes_chart(facts.strike_totals, labels) if facts.strike_totals else None,
        categories_png=categories_chart(facts.by_place, labels) if facts.by_place else None,
    )


def build_daily(
    store: Store,
    day: ReportDay,
    lang: str,
    issued: datetime,
    agreement: Path | None = None,
    *,
    observations: Sequence[Observation] | None = None,
    agreements: Sequence[Agreement] | None = None,
) -> DailyReport:
    """Both documents of the day and their records; nothing is written. `observations` and
    `agreements`: see `load.load_facts`."""
    t = dict(texts(lang))
    facts = load_facts(store, day, agreement, observations=observations, agreements=agreements)
    document = layout(facts, t, lang, draw_figures(facts, t), issued)
    ids = [a.agreement.id for a in facts.agreements]
    stem = f"ceasefire-{day.day}"
    html, pdf = render_html(document), render_pdf(document)
    return DailyReport(
        facts,
        Published(f"{stem}.html", html,
                  report_record(day, lang, document.title, "text/html", html, issued, ids)),
        Published(f"{stem}.pdf", pdf,
                  report_record(day, lang, document.title, "application/pdf", pdf, issued, ids)),
    )
