"""What the dashboard's routes share: the incident index and the encoded layers of one
service, kept on ``app.state.dashboard``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ceasefire.dashboard.index import IncidentIndex
from ceasefire.dashboard.layers import AgreementLayers, LinesOfContact, basemap, map_days
from ceasefire.domain.agreement import Agreement
from ceasefire.monitoring.setup import bundled_oblasts
from ceasefire.store import Store


@dataclass
class DashboardData:
    index: IncidentIndex
    lines: LinesOfContact
    agreements: AgreementLayers
    _days: list[date] = field(default_factory=list)

    @classmethod
    def over(cls, store: Store, agreements: tuple[Agreement, ...]) -> DashboardData:
        return cls(IncidentIndex(store, bundled_oblasts().unit_of), LinesOfContact(),
                   AgreementLayers(agreements))

    def warm(self) -> None:
        """Build the incident index and the latest day's line of contact now, so the first
        person to open the dashboard does not wait for them (about a second on the demo)."""
        self.index.entries()
        days = self.map_days()
        if days:
            self.lines.on(days[-1])
        self.basemap()

    def basemap(self) -> bytes:
        return basemap()

    def map_days(self) -> list[date]:
        if not self._days:
            self._days = map_days()
        return self._days
