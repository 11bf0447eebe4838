// The deconfliction board: operational intents on a time axis and on the map, the overlaps
// between live intents highlighted, live tracks and their predicted conflicts, and the hotline's
// notices with their acknowledgment state. Each part is asked for only by roles that may see it.
import { api, el, query } from "./api.js";

const MISSION = new Set(["admin", "monitor", "analyst", "reviewer"]);
const LIVE = new Set(["accepted", "activated", "nonconforming", "contingent"]);
const SVG = "http://www.w3.org/2000/svg";

function volumeBox(v) {
  if (v.polygon) {
    const lons = v.polygon.map((p) => p[0]), lats = v.polygon.map((p) => p[1]);
    return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
  }
  const dLat = v.circle.radius_m / 111_320, dLon = dLat / Math.max(0.01, Math.cos((v.circle.lat * Math.PI) / 180));
  return [v.circle.lon - dLon, v.circle.lat - dLat, v.circle.lon + dLon, v.circle.lat + dLat];
}

// Two volumes may meet when their times, altitude bands and outline boxes all overlap. A box
// test: it can flag a pair whose outlines do not touch, never miss one that does; the engine
// decides the real conflicts (a plan that overlaps an equal or higher priority is refused).
function mayMeet(a, b) {
  const [aw, as, ae, an] = volumeBox(a), [bw, bs, be, bn] = volumeBox(b);
  return a.start <= b.end && b.start <= a.end && a.lower_m <= b.upper_m && b.lower_m <= a.upper_m
    && aw <= be && bw <= ae && as <= bn && bs <= an;
}

export function overlaps(intents) {
  const live = intents.filter((i) => LIVE.has(i.state));
  const found = new Map(live.map((i) => [i.id, new Set()]));
  for (let x = 0; x < live.length; x++) for (let y = x + 1; y < live.length; y++) {
    const a = live[x], b = live[y];
    if (a.volumes.some((va) => b.volumes.some((vb) => mayMeet(va, vb)))) { found.get(a.id).add(b.id); found.get(b.id).add(a.id); }
  }
  return found;
}

function timeAxis(intents, met) {
  const starts = intents.flatMap((i) => i.volumes.map((v) => Date.parse(v.start)));
  const ends = intents.flatMap((i) => i.volumes.map((v) => Date.parse(v.end)));
  const t0 = Math.min(...starts), t1 = Math.max(...ends), span = Math.max(1, t1 - t0);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("id", "intent-axis"); svg.setAttribute("role", "img");
  svg.setAttribute("viewBox", `0 0 400 ${intents.length * 18 + 16}`);
  svg.setAttribute("aria-label", `Intents from ${new Date(t0).toISOString().slice(0, 16)} to ${new Date(t1).toISOString().slice(0, 16)} UTC`);
  intents.forEach((intent, row) => {
    const s = Math.min(...intent.volumes.map((v) => Date.parse(v.start))), e = Math.max(...intent.volumes.map((v) => Date.parse(v.end)));
    const bar = document.createElementNS(SVG, "rect");
    bar.setAttribute("x", String(130 + (260 * (s - t0)) / span)); bar.setAttribute("width", String(Math.max(2, (260 * (e - s)) / span)));
    bar.setAttribute("y", String(row * 18 + 4)); bar.setAttribute("height", "12");
    bar.setAttribute("class", `bar ${intent.state}${(met.get(intent.id) || new Set()).size ? " conflict" : ""}`);
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("x", "0"); label.setAttribute("y", String(row * 18 + 14));
    label.textContent = intent.id.slice(0, 20);
    svg.append(label, bar);
  });
  const scale = document.createElementNS(SVG, "text");
  scale.setAttribute("x", "130"); scale.setAttribute("y", String(intents.length * 18 + 14));
  scale.textContent = `${new Date(t0).toISOString().slice(0, 16)} \u2192 ${new Date(t1).toISOString().slice(0, 16)} UTC`;
  svg.append(scale);
  return svg;
}

async function intentsPart(map) {
  const [intents, tracks, conflicts] = await Promise.all([
    api.get(`/v1/intents${query({ limit: 1000 })}`), api.get(`/v1/tracks${query({ limit: 1000 })}`), api.get(`/v1/tracks/conflicts${query({ limit: 1000 })}`)]);
  const met = overlaps(intents.items);
  map.showIntents(intents.items, met);
  map.showTracks(tracks.items, conflicts.items);
  const flagged = [...met.values()].filter((s) => s.size).length;
  const parts = [el("h3", {}, "Operational intents"),
    el("div", { class: "waiting" },
      el("div", {}, el("strong", {}, String(intents.items.filter((i) => LIVE.has(i.state)).length)), "live intents"),
      el("div", { class: flagged ? "overdue" : "" }, el("strong", { id: "intent-overlaps" }, String(flagged)), "overlap another live intent"),
      el("div", { class: conflicts.items.length ? "overdue" : "" }, el("strong", { id: "track-conflicts" }, String(conflicts.items.length)), "track conflicts predicted"))];
  if (!intents.items.length) return [...parts, el("p", { class: "muted" }, "No operational intents.")];
  parts.push(timeAxis(intents.items, met),
    el("p", { class: "muted" }, "Red: overlapping another live intent in time, altitude and outline box (the engine refuses real conflicts unless the plan has the higher priority)."),
    el("table", { id: "intents" }, el("thead", {}, el("tr", {}, ["intent", "nation / command", "prio", "state", "overlaps"].map((h) => el("th", {}, h)))),
      el("tbody", {}, intents.items.map((i) => el("tr", { class: (met.get(i.id) || new Set()).size ? "conflict" : "" },
        [`${i.id} v${i.version}`, `${i.nation} / ${i.command}`, String(i.priority), i.state, [...(met.get(i.id) || [])].join(", ")].map((c) => el("td", {}, c)))))));
  if (conflicts.items.length) parts.push(el("h3", {}, `Track conflicts at ${conflicts.at.slice(11, 19)} UTC`),
    el("ul", {}, conflicts.items.map((c) => el("li", {}, `${c.id1} \u2194 ${c.id2}: ${Math.round(c.dcpa_m)} m in ${Math.round(c.tcpa_s)} s`))));
  return parts;
}

async function hotlinePart() {
  const page = await api.get(`/v1/hotline/messages${query({ limit: 200 })}`);
  const notices = page.items.filter((m) => m.kind !== "message").sort((a, b) => b.sent_at.localeCompare(a.sent_at));
  const waiting = notices.filter((m) => !m.acknowledged_at);
  return [el("h3", {}, "Hotline notices"),
    el("div", { class: "waiting" },
      el("div", { class: waiting.length ? "overdue" : "" }, el("strong", {}, String(waiting.length)), "notices not acknowledged"),
      el("div", {}, el("strong", {}, String(notices.filter((m) => m.escalated_at).length)), "escalated")),
    notices.length ? el("table", {}, el("thead", {}, el("tr", {}, ["sent", "kind", "to", "state", "incident"].map((h) => el("th", {}, h)))),
      el("tbody", {}, notices.map((m) => el("tr", {}, [m.sent_at.slice(0, 16), m.kind, m.recipient_org, m.escalated_at && !m.acknowledged_at ? `${m.state}, escalated` : m.state, m.incident_id].map((c) => el("td", {}, c))))))
      : el("p", { class: "muted" }, "No notices sent yet.")];
}

export async function renderBoard(section, me, map) {
  const parts = [el("h2", {}, "Deconfliction board")];
  const planners = MISSION.has(me.role) || me.role === "operations_planner";
  const hotline = MISSION.has(me.role) || me.role === "party_liaison";
  if (planners) parts.push(...await intentsPart(map));
  if (hotline) parts.push(...await hotlinePart());
  if (!planners && !hotline) parts.push(el("p", {}, "Intents, tracks and the hotline are for the mission, the nations' planners and the parties' liaison offices."));
  section.replaceChildren(...parts);
}
