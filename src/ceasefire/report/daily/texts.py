"""The fixed texts of the daily report, in English and German.

Only words are translated: numbers, dates, identifiers, category and verdict codes are the
stored values in both editions, so the two editions of a day carry identical numbers and
a reader can search either for a record id. Every template names its fields; a missing
translation is a KeyError in the tests, never an English sentence in the German edition.
"""

from __future__ import annotations

from collections.abc import Mapping

from ceasefire.domain.errors import UsageError

EN: Mapping[str, str] = {
    "title": "ceasefire daily report {day}",
    "subtitle": "Monitoring report on the stored rows of {day}, modelled on the OSCE SMM daily "
    "reports. Issued {issued}.",
    "h_period": "Reporting period and time zone",
    "period": "The Kyiv day {day}: {start} to 24:00 Europe/Kyiv, that is {start_utc} to "
    "{end_utc} UTC ({hours} hours). The previous period compared against is {previous}.",
    "period_rule": "A row is counted on the Kyiv date at the middle of its reported period: "
    "a night from 18:00 to 09:00 belongs to the morning it ends on; a bulletin row dated "
    "only by day (which may mean that day or the 24 hours before a report of that day) "
    "belongs to the day it names. Every row is counted on exactly one day.",
    "coarse": "{coarse} rows overlap this day but are dated only to the week or more "
    "coarsely; they are counted on no day.",
    "h_summary": "Summary",
    "s_rows": "The store holds {rows} rows counted on this day (previous day: {previous}), "
    "from: {sources}.",
    "s_strikes": "Air Force Command headquarters launch reports counted on this day: "
    "{launched} launched, {destroyed} destroyed or suppressed, in {rows} rows (previous "
    "day: {p_launched} launched, {p_destroyed} destroyed).",
    "s_no_strikes": "No Air Force Command headquarters launch report is counted on this day.",
    "s_tallies": "Regional air commands' tallies: {rows} rows, {destroyed} destroyed; they "
    "may repeat part of the headquarters' counts and are not added to them.",
    "s_incidents": "Geocoded incidents fused from the rows of this day: {incidents} "
    "(previous day: {previous}).",
    "s_no_geocoded": "No geocoded source reaches this day: the last days of the stored "
    "geocoded feeds are {lasts}. Incidents on the ground cannot be reported for this day; "
    "that is a gap in the data, not a quiet day.",
    "s_agreement": "{title} ({status}): {violation} violations and {possible} possible "
    "violations among the rows of this day (previous day: {p_violation} and {p_possible}).",
    "s_never": "Never in force: these are what would have been violations.",
    "s_unassessed": "Not assessed in this store (no stored findings): {ids}.",
    "s_clocks": "Response clocks at the end of the day: {total} started so far, {started} "
    "started this day, {running} running, {overdue} overdue without acknowledgment.",
    "s_no_clocks": "No response clock has been started: no violation has been verified by a "
    "reviewer in this store by the end of the day.",
    "h_coverage": "Sources and what they reach",
    "coverage": "What a row is: an Air Force bulletin row (source airforce) is one weapon "
    "model in one post of an account, counting what was launched and destroyed over a region "
    "in a period; a Bellingcat, CIR or UCDP row is one geolocated incident report. Rows "
    "counted per source:",
    "c_source": "source",
    "c_day": "this day",
    "c_previous": "previous day",
    "c_first": "first day stored",
    "c_last": "last day stored",
    "h_places": "Rows by oblast and category",
    "places": "Each stored row counted once, by the oblast its point lies in or, for a "
    "region-only row, by the region as its source names it (\"Ukraine\" is the whole "
    "country, \"south\" an air command's area); compared with the previous day.",
    "c_place": "oblast or region",
    "c_category": "category",
    "c_change": "change",
    "none": "None.",
    "h_strikes": "Long-range strikes",
    "strikes": "From the Ukrainian Air Force bulletins stored as source airforce. Launch "
    "reports are published by the Air Force Command headquarters (account kpszsu) and count "
    "what was launched at the whole country and what was destroyed or suppressed, for the "
    "period each row states (Kyiv local time). A count the row does not state is left out, "
    "not read as zero.",
    "c_class": "weapon class",
    "c_rows": "rows",
    "c_launched": "launched",
    "c_destroyed": "destroyed",
    "c_p_launched": "launched, previous day",
    "c_p_destroyed": "destroyed, previous day",
    "c_model": "model",
    "c_publisher": "publisher",
    "c_period": "period (Kyiv)",
    "c_target": "target region",
    "c_row": "row",
    "tallies": "Regional air commands' tallies and other bulletin rows counted on this day. A "
    "tally counts what was shot down over the command's area and often repeats part of a "
    "headquarters row, so it is listed, never added:",
    "h_findings": "Findings against the agreements",
    "findings": "The stored findings of each agreement about the rows counted on this day: "
    "violation (prohibited, wholly inside the window), possible (only partly inside, or the "
    "source does not state what decides), not_covered (outside the agreement, or supporting "
    "evidence of another row: clause supports). Rules: docs/assessment.md.",
    "window": "Window {start} to {end} {zone}; status {status}; binds {bound}.",
    "c_verdict": "verdict",
    "c_clause": "clause",
    "c_findings": "findings",
    "h_clocks": "Response clocks and overdue acknowledgments",
    "clocks": "Verifying a violation starts a 24 h diplomatic and a 72 h military clock for "
    "each notified party; an acknowledgment stops it. State at the end of the day "
    "({end_utc} UTC); later acknowledgments are not counted.",
    "c_clock": "clock",
    "c_incident": "incident",
    "c_party": "party",
    "c_track": "track",
    "c_due": "due (UTC)",
    "c_overdue": "overdue by (h)",
    "late": "Acknowledged this day after the deadline:",
    "h_incidents": "Incidents",
    "incidents": "Incidents fused from geocoded rows counted on this day, by oblast and "
    "category, with their workflow state at the end of the day:",
    "c_state": "state",
    "c_incidents": "incidents",
    "h_map": "Map",
    "map_caption": "Oblasts named by the rows of {day} (shaded by number of rows), occupied "
    "territory from the DeepState map of that day where bundled, and the day's incidents. "
    "Drawn from data/basemap; no tiles.",
    "map_no_territory": "No DeepState map of this day is bundled: occupied territory not drawn.",
    "chart_strikes": "Launch reports by weapon class: launched and destroyed, this day and "
    "the previous day.",
    "chart_categories": "Rows by category, this day and the previous day.",
    "legend_day": "this day",
    "legend_previous": "previous day",
    "legend_occupied": "occupied (DeepState)",
    "legend_named": "rows naming the oblast",
    "h_ledger": "Evidence ledger",
    "ledger": "This report is recorded in the evidence ledger of the store as two Report "
    "records, one per document (HTML and PDF), each holding the SHA-256 of the document's "
    "bytes; the command prints the checkpoint that includes them.",
}

DE: Mapping[str, str] = {
    "title": "ceasefire Tagesbericht {day}",
    "subtitle": "Beobachtungsbericht über die gespeicherten Zeilen vom {day}, nach dem "
    "Vorbild der Tagesberichte der OSZE-Sonderbeobachtermission. Erstellt {issued}.",
    "h_period": "Berichtszeitraum und Zeitzone",
    "period": "Der Kyjiwer Tag {day}: {start} bis 24:00 Europe/Kyiv, also {start_utc} bis "
    "{end_utc} UTC ({hours} Stunden). Verglichen wird mit dem Vortag {previous}.",
    "period_rule": "Eine Zeile zählt an dem Kyjiwer Datum, auf das die Mitte ihres gemeldeten "
    "Zeitraums fällt: eine Nacht von 18:00 bis 09:00 gehört zu dem Morgen, an dem sie endet; "
    "eine nur nach Tag datierte Bulletinzeile (der Tag selbst oder die 24 Stunden vor einer "
    "Meldung dieses Tages) gehört zu dem Tag, den sie nennt. Jede Zeile zählt an genau "
    "einem Tag.",
    "coarse": "{coarse} Zeilen überschneiden diesen Tag, sind aber nur auf die Woche oder "
    "gröber datiert; sie zählen an keinem Tag.",
    "h_summary": "Zusammenfassung",
    "s_rows": "Der Speicher enthält {rows} Zeilen, die an diesem Tag zählen (Vortag: "
    "{previous}), aus: {sources}.",
    "s_strikes": "Startmeldungen des Kommandos der Luftstreitkräfte, die an diesem Tag "
    "zählen: {launched} gestartet, {destroyed} zerstört oder abgewehrt, in {rows} Zeilen "
    "(Vortag: {p_launched} gestartet, {p_destroyed} zerstört).",
    "s_no_strikes": "An diesem Tag zählt keine Startmeldung des Kommandos der "
    "Luftstreitkräfte.",
    "s_tallies": "Zählungen der regionalen Luftkommandos: {rows} Zeilen, {destroyed} "
    "zerstört; sie können einen Teil der Zahlen des Kommandos wiederholen und werden nicht "
    "hinzugezählt.",
    "s_incidents": "Aus den Zeilen dieses Tages fusionierte georeferenzierte Vorfälle: "
    "{incidents} (Vortag: {previous}).",
    "s_no_geocoded": "Keine georeferenzierte Quelle reicht bis zu diesem Tag: die letzten "
    "Tage der gespeicherten georeferenzierten Quellen sind {lasts}. Vorfälle am Boden können "
    "für diesen Tag nicht berichtet werden; das ist eine Lücke in den Daten, kein ruhiger "
    "Tag.",
    "s_agreement": "{title} ({status}): {violation} Verstöße und {possible} mögliche "
    "Verstöße unter den Zeilen dieses Tages (Vortag: {p_violation} und {p_possible}).",
    "s_never": "Nie in Kraft: dies wären Verstöße gewesen.",
    "s_unassessed": "In diesem Speicher nicht bewertet (keine gespeicherten Befunde): {ids}.",
    "s_clocks": "Reaktionsfristen am Ende des Tages: {total} bisher gestartet, {started} an "
    "diesem Tag gestartet, {running} laufend, {overdue} überfällig ohne Bestätigung.",
    "s_no_clocks": "Keine Reaktionsfrist wurde gestartet: bis zum Ende des Tages hat in "
    "diesem Speicher niemand einen Verstoß verifiziert.",
    "h_coverage": "Quellen und ihre Reichweite",
    "coverage": "Was eine Zeile ist: eine Bulletinzeile der Luftstreitkräfte (Quelle "
    "airforce) ist ein Waffenmodell in einem Beitrag eines Kontos und zählt, was in einem "
    "Zeitraum über einer Region gestartet und zerstört wurde; eine Zeile von Bellingcat, "
    "CIR oder UCDP ist eine georeferenzierte Vorfallsmeldung. Zeilen je Quelle:",
    "c_source": "Quelle",
    "c_day": "dieser Tag",
    "c_previous": "Vortag",
    "c_first": "erster gespeicherter Tag",
    "c_last": "letzter gespeicherter Tag",
    "h_places": "Zeilen nach Oblast und Kategorie",
    "places": "Jede gespeicherte Zeile einmal gezählt, nach der Oblast, in der ihr Punkt "
    "liegt, oder bei einer Zeile ohne Punkt nach der Region, wie ihre Quelle sie nennt "
    "(\"Ukraine\" ist das ganze Land, \"south\" das Gebiet eines Luftkommandos); verglichen "
    "mit dem Vortag.",
    "c_place": "Oblast oder Region",
    "c_category": "Kategorie",
    "c_change": "Änderung",
    "none": "Keine.",
    "h_strikes": "Angriffe mit weitreichenden Waffen",
    "strikes": "Aus den Bulletins der ukrainischen Luftstreitkräfte, gespeichert als Quelle "
    "airforce. Startmeldungen veröffentlicht das Kommando der Luftstreitkräfte (Konto "
    "kpszsu); sie zählen, was auf das ganze Land gestartet und was zerstört oder abgewehrt "
    "wurde, für den Zeitraum, den jede Zeile nennt (Ortszeit Kyjiw). Eine Zahl, die die "
    "Zeile nicht nennt, wird weggelassen, nicht als null gelesen.",
    "c_class": "Waffenklasse",
    "c_rows": "Zeilen",
    "c_launched": "gestartet",
    "c_destroyed": "zerstört",
    "c_p_launched": "gestartet, Vortag",
    "c_p_destroyed": "zerstört, Vortag",
    "c_model": "Modell",
    "c_publisher": "Herausgeber",
    "c_period": "Zeitraum (Kyjiw)",
    "c_target": "Zielregion",
    "c_row": "Zeile",
    "tallies": "Zählungen der regionalen Luftkommandos und andere Bulletinzeilen dieses "
    "Tages. Eine Zählung nennt, was über dem Gebiet des Kommandos abgeschossen wurde, und "
    "wiederholt oft einen Teil einer Zeile des Kommandos; sie wird aufgeführt, nie "
    "hinzugezählt:",
    "h_findings": "Befunde zu den Vereinbarungen",
    "findings": "Die gespeicherten Befunde jeder Vereinbarung zu den Zeilen dieses Tages: "
    "violation (verboten, ganz im Zeitfenster), possible (nur teilweise darin, oder die "
    "Quelle nennt nicht, was entscheidet), not_covered (nicht erfasst, oder stützender "
    "Beleg einer anderen Zeile: Klausel supports). Regeln: docs/assessment.md.",
    "window": "Zeitfenster {start} bis {end} {zone}; Status {status}; bindet {bound}.",
    "c_verdict": "Urteil",
    "c_clause": "Klausel",
    "c_findings": "Befunde",
    "h_clocks": "Reaktionsfristen und überfällige Bestätigungen",
    "clocks": "Die Verifizierung eines Verstoßes startet für jede benachrichtigte Partei eine "
    "diplomatische Frist von 24 h und eine militärische von 72 h; eine Bestätigung hält sie "
    "an. Stand am Ende des Tages ({end_utc} UTC); spätere Bestätigungen zählen nicht.",
    "c_clock": "Frist",
    "c_incident": "Vorfall",
    "c_party": "Partei",
    "c_track": "Art",
    "c_due": "fällig (UTC)",
    "c_overdue": "überfällig seit (h)",
    "late": "An diesem Tag nach Fristablauf bestätigt:",
    "h_incidents": "Vorfälle",
    "incidents": "Aus georeferenzierten Zeilen dieses Tages fusionierte Vorfälle nach Oblast "
    "und Kategorie, mit ihrem Bearbeitungsstand am Ende des Tages:",
    "c_state": "Stand",
    "c_incidents": "Vorfälle",
    "h_map": "Karte",
    "map_caption": "Von den Zeilen des {day} genannte Oblaste (schattiert nach Zahl der "
    "Zeilen), besetztes Gebiet nach der DeepState-Karte dieses Tages, soweit mitgeliefert, "
    "und die Vorfälle des Tages. Gezeichnet aus data/basemap; keine Kacheln.",
    "map_no_territory": "Keine DeepState-Karte dieses Tages mitgeliefert: besetztes Gebiet "
    "nicht gezeichnet.",
    "chart_strikes": "Startmeldungen nach Waffenklasse: gestartet und zerstört, dieser Tag "
    "und der Vortag.",
    "chart_categories": "Zeilen nach Kategorie, dieser Tag und der Vortag.",
    "legend_day": "dieser Tag",
    "legend_previous": "Vortag",
    "legend_occupied": "besetzt (DeepState)",
    "legend_named": "Zeilen, die die Oblast nennen",
    "h_ledger": "Beweisprotokoll",
    "ledger": "Dieser Bericht ist im Beweisprotokoll des Speichers als zwei Report-Datensätze "
    "verzeichnet, einer je Dokument (HTML und PDF), jeder mit dem SHA-256 der Bytes des "
    "Dokuments; der Befehl gibt den Checkpoint aus, der sie enthält.",
}

LANGUAGES: Mapping[str, Mapping[str, str]] = {"en": EN, "de": DE}


def texts(lang: str) -> Mapping[str, str]:
    """The fixed texts of one edition; an unknown language is a usage error naming both."""
    try:
        return LANGUAGES[lang]
    except KeyError:
        raise UsageError(
            f"--lang {lang!r}: no such edition; choose one of {', '.join(sorted(LANGUAGES))}"
        ) from None
