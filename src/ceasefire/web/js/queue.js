// The review queue: what waits for whom, the oldest first, walkable with the keyboard
// (ArrowUp/ArrowDown or j/k move, Enter opens).
import { api, el, query } from "./api.js";

const MISSION = new Set(["admin", "monitor", "analyst", "reviewer"]);

async function waitingIncidents(state, limit) {
  const page = await api.get(`/v1/incidents${query({ state, limit })}`);
  return page.items.sort((a, b) => a.start.localeCompare(b.start));
}

function clockSummary(clocks) {
  const running = clocks.filter((c) => !c.acknowledged_at);
  const overdue = running.filter((c) => (c.overdue_by_s || 0) > 0);
  return { running: running.length, overdue: overdue.length };
}

export async function renderQueue(section, me, facets, open) {
  const counts = facets.state || {};
  const mission = MISSION.has(me.role);
  const [clockPage, corroborated, reported] = await Promise.all([
    mission || me.role === "party_liaison" ? api.get("/v1/clocks?limit=1000") : { items: [] },
    mission ? waitingIncidents("corroborated", 60) : [],
    mission ? waitingIncidents("reported", 40) : [],
  ]);
  const clocks = clockPage.items;
  const c = clockSummary(clocks);
  const box = (label, n, extra) => el("div", { class: extra || "" }, el("strong", {}, String(n)), label);
  section.replaceChildren(
    el("h2", {}, "Waiting work"),
    el("div", { class: "waiting" },
      box("corroborated: wait for a reviewer", counts.corroborated || 0),
      box("reported: wait for a second source", counts.reported || 0),
      box("response clocks overdue", c.overdue, c.overdue ? "overdue" : "")),
    el("p", { class: "muted" }, `${c.running} response clocks running. Keys: \u2191/\u2193 or j/k walk the queue, Enter opens, [ and ] change the day.`),
  );
  if (!mission) {
    section.append(el("p", {}, "Only the mission reviews incidents; you see verified incidents on the map."));
    return;
  }
  const items = [...corroborated, ...reported];
  const list = el("ol", { class: "queue", role: "listbox", "aria-label": "Incidents waiting for review", tabindex: "0" });
  items.forEach((item, i) => {
    const li = el("li", { role: "option", id: `q-${item.id}`, "data-id": item.id, "aria-selected": i === 0 ? "true" : "false", onclick: () => open(item.id) },
      el("span", { class: `state ${item.state}` }, item.state),
      el("span", {}, `${item.category} · ${item.region || "?"}`),
      el("span", { class: "muted" }, item.start.slice(0, 10)),
      el("span", { class: "muted" }, `${item.independent_sources} sources · ${item.id}`));
    list.append(li);
  });
  if (items.length) list.setAttribute("aria-activedescendant", `q-${items[0].id}`);
  list.addEventListener("keydown", (event) => {
    const options = [...list.children];
    const at = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
    let next = at;
    if (event.key === "ArrowDown" || event.key === "j") next = Math.min(options.length - 1, at + 1);
    else if (event.key === "ArrowUp" || event.key === "k") next = Math.max(0, at - 1);
    else if (event.key === "Enter" && at >= 0) { event.preventDefault(); open(options[at].dataset.id); return; }
    else return;
    event.preventDefault();
    options.forEach((o, i) => o.setAttribute("aria-selected", i === next ? "true" : "false"));
    list.setAttribute("aria-activedescendant", options[next].id);
    options[next].scrollIntoView({ block: "nearest" });
  });
  section.append(el("h2", {}, `Queue (${items.length} shown, corroborated first, oldest first)`), list);
}
