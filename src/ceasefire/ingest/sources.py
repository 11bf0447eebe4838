"""The observation sources this system reads, registered by name in `OBSERVATION_SOURCES`.

Each name is the parser module's own `SOURCE` constant (the one stamped on its observations),
so a source is named in exactly one place. Registration order is detection order: the three
CSV exports are told apart by columns only they have, and Bellingcat's JSON list comes last
because "starts with `[`" is the loosest rule. A new source format is one more `register`
call here (or in any module imported before detection), never an edit to `detect.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ceasefire.domain import Observation
from ceasefire.ingest import airforce_bulletins, bellingcat, ucdp
from ceasefire.ingest.registry import Registry, SniffedFormat, csv_header_has
from ceasefire.ingest.report import IngestReport
from ceasefire.ingest.weapons import WeaponCatalog, load_catalog


@dataclass(frozen=True, slots=True)
class ObservationSource(SniffedFormat):
    """A source format that turns a file into observations plus one issue per bad row."""

    #: (file, directory of the bundled weapons catalogue, report) -> the file's observations as
    #: a stream, each bad row added to the report as it is met; only bulletins use the
    #: catalogue, but one signature keeps `read_source` free of per-format branches.
    stream: Callable[[Path, Path, IngestReport], Iterator[Observation]]

    def report_for(self, path: Path) -> IngestReport:
        """An empty report for a file of this format, for `stream` to fill."""
        return IngestReport(source=self.name, path=str(path))

    def read(self, path: Path, catalog_dir: Path) -> IngestReport:
        """The whole file at once: its report, every observation in `observations`."""
        report = self.report_for(path)
        report.observations.extend(self.stream(path, catalog_dir, report))
        return report


OBSERVATION_SOURCES: Registry[ObservationSource] = Registry("source format")


def catalog_for(path: Path, fallback_dir: Path) -> WeaponCatalog:
    """The weapons catalogue beside the bulletins file, else the bundled one; plus supplement."""
    beside = path.parent / "weapons_catalog.csv"
    main = beside if beside.exists() else fallback_dir / "weapons_catalog.csv"
    extra = [p for p in (fallback_dir / "weapons_catalog_supplement.csv",) if p.exists()]
    return load_catalog(main, *extra)


def _bulletins(path: Path, catalog_dir: Path, report: IngestReport) -> Iterator[Observation]:
    return airforce_bulletins.bulletin_observations(path, catalog_for(path, catalog_dir), report)


def _looks_like_json_list(head: str) -> bool:
    return head.lstrip().startswith("[")


OBSERVATION_SOURCES.register(
    ObservationSource(
        name=airforce_bulletins.SOURCE,
        description="Ukrainian Air Force bulletins CSV",
        sniff=csv_header_has("time_start", "time_end", "model", "launched"),
        stream=_bulletins,
    )
)
OBSERVATION_SOURCES.register(
    ObservationSource(
        name=ucdp.SOURCE,
        description="UCDP GED CSV",
        sniff=csv_header_has("where_prec", "date_prec", "latitude", "longitude"),
        stream=lambda path, _catalog_dir, report: ucdp.ucdp_observations(path, report),
    )
)
OBSERVATION_SOURCES.register(
    ObservationSource(
        name=bellingcat.SOURCE_CIR,
        description="CIR Russia-Ukraine monitor events CSV",
        sniff=csv_header_has("entry", "date", "lat", "lon"),
        stream=lambda path, _catalog_dir, report: bellingcat.cir_csv_observations(path, report),
    )
)
OBSERVATION_SOURCES.register(
    ObservationSource(
        name=bellingcat.SOURCE_JSON,
        description="Bellingcat civilian-harm incidents JSON",
        sniff=_looks_like_json_list,
        stream=lambda path, _catalog_dir, report: bellingcat.bellingcat_json_observations(
            path, report
        ),
    )
)
