// The map: basemap from bundled GeoJSON (no tiles), the line of contact of the day, the
// agreement's zones, and incidents as points or server-aggregated cells.
import { api, query } from "./api.js";

const STATES = ["reported", "corroborated", "verified", "unverifiable", "dismissed"];
const STATE_COLOUR = { reported: "#7f7f7f", corroborated: "#e69f00", verified: "#0072b2", unverifiable: "#cc79a7", dismissed: "#b9b9b9" };
const VERDICT_STROKE = { violation: ["#d55e00", 3, null], possible: ["#b59d00", 3, "3 2"], not_covered: ["#333", 1, null], none: ["#333", 1, null] };
const ZONE_COLOUR = { buffer: "#d55e00", withdrawal: "#e69f00", no_fly: "#cc79a7", maritime_corridor: "#0072b2", line_of_contact: "#000" };
const VERDICTS = ["violation", "possible", "not_covered", "none"];

function dominant(counts, order) {
  let best = null;
  for (const k of order) if ((counts[k] || 0) > 0 && (best === null || counts[k] > counts[best])) best = k;
  return best || order[0];
}
const worst = (counts) => VERDICTS.find((v) => (counts[v] || 0) > 0) || "none";

export class IncidentMap {
  constructor(element, onIncident) {
    this.onIncident = onIncident;
    this.map = L.map(element, { zoomControl: true, keyboard: true, attributionControl: true, minZoom: 3, maxZoom: 14, worldCopyJump: false });
    this.map.attributionControl.setPrefix(false);
    this.map.attributionControl.addAttribution("Natural Earth (DEU view); oblasts © Minregion; front: DeepState");
    this.map.setView([48.5, 32.0], 6);
    this.panes();
    this.layers = {
      countries: L.geoJSON(null, { pane: "base", style: { color: "#8a98a6", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 } }),
      oblasts: L.geoJSON(null, { pane: "base", style: { color: "#b8a98f", weight: 0.7, fill: false } }),
      occupied: L.geoJSON(null, { pane: "front", style: { color: "#a33", weight: 0, fillColor: "#d55e00", fillOpacity: 0.12 } }),
      line: L.geoJSON(null, { pane: "front", style: { color: "#a00", weight: 2.5 } }),
      zones: L.geoJSON(null, { pane: "zones", style: (f) => ({ color: ZONE_COLOUR[f.properties.kind] || "#555", weight: 1.5, fillOpacity: 0.12, dashArray: f.properties.kind === "maritime_corridor" ? "6 4" : null }), onEachFeature: (f, layer) => layer.bindTooltip(`${f.properties.kind}: ${f.properties.id}`) }),
      incidents: L.layerGroup([], { pane: "incidents" }),
      intents: L.layerGroup([], { pane: "zones" }),
      tracks: L.layerGroup([], { pane: "incidents" }),
    };
    for (const layer of Object.values(this.layers)) layer.addTo(this.map);
    L.control.layers(null, {
      "Line of contact (day)": this.layers.line, "Occupied area (day)": this.layers.occupied,
      "Agreement zones": this.layers.zones, "Oblasts": this.layers.oblasts, "Incidents": this.layers.incidents,
      "Operational intents": this.layers.intents, "Tracks": this.layers.tracks,
    }, { collapsed: true }).addTo(this.map);
    this.legend();
    this.rendered = { basemap: false, line: null, zones: null, incidents: 0, mode: null };
  }

  panes() {
    for (const [name, z] of [["base", 200], ["front", 350], ["zones", 360], ["incidents", 450]]) {
      this.map.createPane(name).style.zIndex = String(z);
    }
  }

  legend() {
    const legend = L.control({ position: "bottomright" });
    legend.onAdd = () => {
      const div = L.DomUtil.create("div", "legend");
      for (const s of STATES) { const row = L.DomUtil.create("div", "", div); L.DomUtil.create("i", s, row); row.append(s); }
      for (const v of ["violation", "possible"]) { const row = L.DomUtil.create("div", "", div); L.DomUtil.create("i", v, row); row.append(`ring: ${v}`); }
      return div;
    };
    legend.addTo(this.map);
  }

  async loadBasemap() {
    const base = await api.get("/v1/map/basemap");
    this.layers.countries.addData(base.countries);
    this.layers.oblasts.addData(base.oblasts);
    this.rendered.basemap = true;
    return base.oblasts.features.map((f) => f.properties.name).sort();
  }

  async showLine(mapDay) {
    this.wantedLine = mapDay;
    if (!mapDay) { this.layers.line.clearLayers(); this.layers.occupied.clearLayers(); this.rendered.line = null; return; }
    const fc = await api.get(`/v1/map/lines/${mapDay}`);
    if (this.wantedLine !== mapDay) return;
    this.layers.line.clearLayers(); this.layers.occupied.clearLayers();
    for (const f of fc.features) (f.properties.kind === "occupied" ? this.layers.occupied : this.layers.line).addData(f);
    this.rendered.line = mapDay;
  }

  async showAgreement(id) {
    this.layers.zones.clearLayers();
    this.rendered.zones = null;
    if (!id) return;
    const fc = await api.get(`/v1/map/agreements/${encodeURIComponent(id)}`);
    this.layers.zones.addData(fc);
    this.rendered.zones = fc.features.length;
  }

  showIntents(intents, met) {
    const group = this.layers.intents;
    group.clearLayers();
    for (const intent of intents) {
      const clash = (met.get(intent.id) || new Set()).size > 0;
      const style = { pane: "zones", color: clash ? "#d55e00" : "#0072b2", weight: clash ? 3 : 1.5, fillOpacity: 0.15, dashArray: intent.state === "ended" ? "4 4" : null };
      for (const v of intent.volumes) {
        const shape = v.polygon ? L.polygon(v.polygon.map(([lon, lat]) => [lat, lon]), style) : L.circle([v.circle.lat, v.circle.lon], { ...style, radius: v.circle.radius_m });
        shape.bindTooltip(`${intent.id} (${intent.nation} / ${intent.command}, ${intent.state}) ${v.start.slice(0, 16)}–${v.end.slice(0, 16)} ${Math.round(v.lower_m)}–${Math.round(v.upper_m)} m`);
        group.addLayer(shape);
      }
    }
    this.rendered.intents = intents.length;
  }

  showTracks(tracks, conflicts) {
    const group = this.layers.tracks;
    group.clearLayers();
    const inConflict = new Set(conflicts.flatMap((c) => [c.id1, c.id2]));
    const at = new Map(tracks.map((t) => [t.id, [t.lat, t.lon]]));
    for (const t of tracks) {
      const marker = L.circleMarker([t.lat, t.lon], { pane: "incidents", radius: 4, color: inConflict.has(t.id) ? "#d55e00" : "#1d2b36", weight: 2, fillOpacity: 0.8 });
      marker.bindTooltip(`${t.id} ${Math.round(t.alt_m)} m ${Math.round(t.gs_mps)} m/s`);
      group.addLayer(marker);
    }
    for (const c of conflicts) if (at.has(c.id1) && at.has(c.id2)) group.addLayer(L.polyline([at.get(c.id1), at.get(c.id2)], { pane: "incidents", color: "#d55e00", weight: 2, dashArray: "4 3" }));
    this.rendered.tracks = tracks.length;
  }

  bbox() {
    const b = this.map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map((v) => v.toFixed(4)).join(",");
  }

  // Scrubbing the timeline sends requests faster than they come back: only the answer to the
  // latest one is drawn, so an earlier, slower answer never overwrites a later view.
  async showIncidents(filters) {
    const params = { ...filters, zoom: this.map.getZoom(), bbox: this.bbox() };
    const asked = (this.asked = (this.asked || 0) + 1);
    const answer = await api.get(`/v1/map/incidents${query(params)}`);
    if (asked !== this.asked) return null;
    const group = this.layers.incidents;
    group.clearLayers();
    for (const p of answer.points) {
      const [stroke, weight, dash] = VERDICT_STROKE[p.verdict] || VERDICT_STROKE.none;
      const marker = L.circleMarker([p.lat, p.lon], { pane: "incidents", radius: 6, fillColor: STATE_COLOUR[p.state], fillOpacity: 0.9, color: stroke, weight, dashArray: dash });
      marker.bindTooltip(`${p.id} ${p.category} ${p.state} (${p.verdict})`);
      marker.on("click", () => this.onIncident(p.id));
      group.addLayer(marker);
    }
    for (const c of answer.cells) {
      const size = Math.round(22 + 8 * Math.log10(c.count));
      const icon = L.divIcon({ className: "", iconSize: [size, size], html: "" });
      const marker = L.marker([c.lat, c.lon], { icon, pane: "incidents", keyboard: true, title: `${c.count} incidents` });
      marker.on("add", () => {
        const div = marker.getElement();
        const inner = document.createElement("div");
        inner.className = `cell-icon ${dominant(c.states, STATES)} v-${worst(c.verdicts)}`;
        inner.textContent = String(c.count);
        div.replaceChildren(inner);
      });
      marker.on("click", () => {
        const [w, s, e, n] = c.bounds;
        this.map.fitBounds([[s, w], [n, e]]);
      });
      group.addLayer(marker);
    }
    this.rendered.incidents = answer.points.length + answer.cells.length;
    this.rendered.mode = answer.mode;
    return answer;
  }
}
