"""What the daily report says, section by section, as blocks (pure: facts and texts in).

The sections follow the OSCE SMM daily reports: period, summary, then the detail the
summary rests on. Each table says what a row is before counting it (the texts do), and a
section whose rows cannot decide says so instead of showing zeros.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ceasefire.report.daily.document import (
    Block,
    Bullets,
    Document,
    Figure,
    Heading,
    Paragraph,
    Table,
)
from ceasefire.report.daily.facts import (
    AgreementFacts,
    ClockLine,
    Compared,
    DailyFacts,
    StrikeRow,
)
from ceasefire.report.daily.period import ZONE, utc_text

#: Sources whose rows are geocoded incident reports (the rest count over regions).
GEOCODED_SOURCES = ("bellingcat", "cir", "ucdp")


@dataclass(frozen=True, slots=True)
class Figures:
    """The drawn figures (PNG bytes); `occupied` says whether the map shows territory."""

    map_png: bytes
    occupied: bool
    strikes_png: bytes | None
    categories_png: bytes | None


def _n(value: int | None) -> str:
    return "" if value is None else str(value)


def _change(line: Compared) -> str:
    delta = line.day - line.previous
    return f"+{delta}" if delta > 0 else str(delta)


def _compared_rows(lines: Sequence[Compared]) -> tuple[tuple[str, ...], ...]:
    return tuple((*line.key, str(line.day), str(line.previous), _change(line)) for line in lines)


def _table_or_none(
    t: Mapping[str, str], header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]
) -> Block:
    return Table(header, rows) if rows else Paragraph(t["none"])


def period_section(facts: DailyFacts, t: Mapping[str, str]) -> list[Block]:
    day = facts.day
    hours = round((day.end - day.start).total_seconds() / 3600)
    blocks: list[Block] = [
        Heading(t["h_period"]),
        Paragraph(t["period"].format(
            day=day.day, start=day.local(day.start), start_utc=utc_text(day.start),
            end_utc=utc_text(day.end), hours=hours, previous=day.previous().day,
        )),
        Paragraph(t["period_rule"]),
    ]
    if facts.coarse:
        blocks.append(Paragraph(t["coarse"].format(coarse=facts.coarse)))
    return blocks


def _agreement_bullet(a: AgreementFacts, t: Mapping[str, str]) -> str:
    never = a.agreement.never_in_force
    text = t["s_agreement"].format(
        title=a.agreement.title, status=never or a.agreement.status,
        violation=a.verdicts.get("violation", 0), possible=a.verdicts.get("possible", 0),
        p_violation=a.previous_verdicts.get("violation", 0),
        p_possible=a.previous_verdicts.get("possible", 0),
    )
    return f"{text} {t['s_never']}" if never else text


def summary_section(facts: DailyFacts, t: Mapping[str, str]) -> list[Block]:
    sources = ", ".join(f"{c.source} {c.day}" for c in facts.coverage if c.day)
    items = [t["s_rows"].format(rows=facts.observations, previous=facts.previous_observations,
                                sources=sources)]
    launched = sum(s.launched for s in facts.strike_totals)
    if facts.strikes:
        items.append(t["s_strikes"].format(
            launched=launched, destroyed=sum(s.destroyed for s in facts.strike_totals),
            rows=len(facts.strikes),
            p_launched=sum(s.previous_launched for s in facts.strike_totals),
            p_destroyed=sum(s.previous_destroyed for s in facts.strike_totals),
        ))
    else:
        items.append(t["s_no_strikes"])
    if facts.tallies:
        items.append(t["s_tallies"].format(
            rows=len(facts.tallies), destroyed=sum(r.destroyed or 0 for r in facts.tallies)
        ))
    geocoded_today = any(c.day for c in facts.coverage if c.source in GEOCODED_SOURCES)
    if geocoded_today:
        items.append(t["s_incidents"].format(incidents=len(facts.incidents),
                                             previous=facts.previous_incidents))
    else:
        lasts = ", ".join(f"{c.source} {c.last}" for c in facts.coverage
                          if c.source in GEOCODED_SOURCES and c.last is not None)
        items.append(t["s_no_geocoded"].format(lasts=lasts or "-"))
    items += [_agreement_bullet(a, t) for a in facts.agreements]
    if facts.unassessed:
        items.append(t["s_unassessed"].format(ids=", ".join(facts.unassessed)))
    c = facts.clocks
    if c.total:
        items.append(t["s_clocks"].format(total=c.total, started=c.started, running=c.running,
                                          overdue=len(c.overdue)))
    else:
        items.append(t["s_no_clocks"])
    return [Heading(t["h_summary"]), Bullets(tuple(items))]


def coverage_section(facts: DailyFacts, t: Mapping[str, str]) -> list[Block]:
    rows = tuple(
        (c.source, str(c.day), str(c.previous), str(c.first or "-"), str(c.last or "-"))
        for c in facts.coverage
    )
    header = (t["c_source"], t["c_day"], t["c_previous"], t["c_first"], t["c_last"])
    return [Heading(t["h_coverage"]), Paragraph(t["coverage"]), Table(header, rows)]


def places_section(facts: DailyFacts, t: Mapping[str, str]) -> list[Block]:
    header = (t["c_place"], t["c_category"], t["c_day"], t["c_previous"], t["c_change"])
    return [Heading(t["h_places"]), Paragraph(t["places"]),
            _table_or_none(t, header, _compared_rows(facts.by_place))]


def _row_lines(rows: Sequence[StrikeRow]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (r.publisher, r.weapon_class, r.model, r.region, f"{r.start} - {r.end}",
         _n(r.launched), _n(r.destroyed), r.observation_id)
        for r in rows
    )


def strikes_section(facts: DailyFacts, t: Mapping[str, str], figures: Figures) -> list[Block]:
    totals = tuple(
        (s.weapon_class, str(s.rows), str(s.launched), str(s.destroyed), str(s.previous_launched),
         str(s.previous_destroyed))
        for s in facts.strike_totals
    )
    header = (t["c_class"], t["c_rows"], t["c_launched"], t["c_destroyed"], t["c_p_launched"],
              t["c_p_destroyed"])
    rows_header = (t["c_publisher"], t["c_class"], t["c_model"], t["c_target"], t["c_period"],
                   t["c_launched"], t["c_destroyed"], t["c_row"])
    blocks: list[Block] = [
        Heading(t["h_strikes"]), Paragraph(t["strikes"]), _table_or_none(t, header, totals),
        _table_or_none(t, rows_header, _row_lines(facts.strikes)),
    ]
    if figures.strikes_png is not None:
        blocks.append(Figure(figures.strikes_png, t["chart_strikes"], 14.0))
    if facts.tallies:
        blocks += [Paragraph(t["tallies"]), Table(rows_header, _row_lines(facts.tallies))]
    return blocks


def findings_section(facts: DailyFacts, t: Mapping[str, str]) -> list[Block]:
    blocks: list[Block] = [Heading(t["h_findings"]), Paragraph(t["findings"])]
    if facts.unassessed:
        blocks.append(Paragraph(t["s_unassessed"].format(ids=", ".join(facts.unassessed))))
    for a in facts.agreements:
        agreement = a.agreement
        bound = ", ".join(p.id for p in agreement.bound_parties)
        blocks += [
            Heading(f"{agreement.title} ({agreement.id})", 3),
            Paragraph(t["window"].format(
                start=facts.day.local(agreement.window.start),
                end=facts.day.local(agreement.window.end), zone=ZONE,
                status=agreement.never_in_force or agreement.status, bound=bound,
            )),
        ]
        clause_rows = tuple(
            (c.verdict, c.clause, str(c.findings), str(c.launched)) for c in a.by_clause
        )
        blocks.append(_table_or_none(
            t, (t["c_verdict"], t["c_clause"], t["c_findings"], t["c_launched"]), clause_rows
        ))
        header = (t["c_place"], t["c_category"], t["c_verdict"], t["c_day"], t["c_previous"],
                  t["c_change"])
        blocks.append(_table_or_none(t, header, _compared_rows(a.by_place)))
    return blocks


def clocks_section(facts: DailyFacts, t: Mapping[str, str]) -> list[Block]:
    c = facts.clocks
    blocks: list[Block] = [
        Heading(t["h_clocks"]),
        Paragraph(t["clocks"].format(end_utc=utc_text(facts.day.end))),
    ]
    if not c.total:
        return [*blocks, Paragraph(t["s_no_clocks"])]
    blocks.append(Paragraph(t["s_clocks"].format(
        total=c.total, started=c.started, running=c.running, overdue=len(c.overdue)
    )))
    header = (t["c_clock"], t["c_incident"], t["c_party"], t["c_track"], t["c_due"],
              t["c_overdue"])

    def lines(items: Sequence[ClockLine]) -> tuple[tuple[str, ...], ...]:
        return tuple(
            (x.clock_id, x.incident_id, x.party, x.track, x.due,
             "" if x.overdue_hours is None else f"{x.overdue_hours:.1f}")
            for x in items
        )

    blocks.append(_table_or_none(t, header, lines(c.overdue)))
    if c.late:
        blocks += [Paragraph(t["late"]), Table(header, lines(c.late))]
    return blocks


def incidents_section(facts: DailyFacts, t: Mapping[str, str], figures: Figures) -> list[Block]:
    header = (t["c_place"], t["c_category"], t["c_day"], t["c_previous"], t["c_change"])
    states = tuple((state, str(n)) for state, n in sorted(facts.incident_states.items()))
    blocks: list[Block] = [
        Heading(t["h_incidents"]), Paragraph(t["incidents"]),
        _table_or_none(t, header, _compared_rows(facts.incidents_by_place)),
    ]
    if states:
        blocks.append(Table((t["c_state"], t["c_incidents"]), states))
    caption = t["map_caption"].format(day=facts.day.day)
    if not figures.occupied:
        caption += " " + t["map_no_territory"]
    blocks += [Heading(t["h_map"]), Figure(figures.map_png, caption)]
    if figures.categories_png is not None:
        blocks.append(Figure(figures.categories_png, t["chart_categories"], 14.0))
    return blocks


def layout(
    facts: DailyFacts, t: Mapping[str, str], lang: str, figures: Figures, issued: datetime
) -> Document:
    """The whole report as blocks."""
    blocks: list[Block] = [
        Paragraph(t["subtitle"].format(day=facts.day.day, issued=utc_text(issued))),
        *summary_section(facts, t),
        *period_section(facts, t),
        *coverage_section(facts, t),
        *places_section(facts, t),
        *strikes_section(facts, t, figures),
        *findings_section(facts, t),
        *clocks_section(facts, t),
        *incidents_section(facts, t, figures),
        Heading(t["h_ledger"]),
        Paragraph(t["ledger"]),
    ]
    return Document(t["title"].format(day=facts.day.day), lang, tuple(blocks))
