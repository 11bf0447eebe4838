// The dashboard: sign-in, the view kept in the URL's hash (shareable, never the token), the
// timeline, the filters, and the panels. Every request goes to this page's own origin.
import { api, el, token } from "./api.js";
import { renderBoard } from "./board.js";
import { renderIncident } from "./detail.js";
import { IncidentMap } from "./map.js";
import { renderQueue } from "./queue.js";

const $ = (id) => document.getElementById(id);
const FILTERS = ["agreement", "category", "source", "state", "oblast"];
const state = { me: null, days: [], mapDays: [], view: {}, map: null, facets: {}, busy: 0 };

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  return Object.fromEntries([...p.entries()].filter(([k]) => k !== "token"));
}
function writeHash() {
  const v = { ...state.view };
  const centre = state.map.map.getCenter();
  v.z = state.map.map.getZoom(); v.lat = centre.lat.toFixed(3); v.lon = centre.lng.toFixed(3);
  const p = new URLSearchParams(Object.entries(v).filter(([, x]) => x !== "" && x !== undefined && x !== null));
  history.replaceState(null, "", `#${p}`);
}
function status(text) { $("status").textContent = text; }

function isoDay(d) { return d.toISOString().slice(0, 10); }
function dayRange(first, last) {
  const out = [];
  for (let d = new Date(`${first}T00:00:00Z`); isoDay(d) <= last; d.setUTCDate(d.getUTCDate() + 1)) out.push(isoDay(d));
  return out;
}
function mapDayFor(day) {
  if (!day) return state.mapDays[state.mapDays.length - 1] || null;
  let best = null;
  for (const d of state.mapDays) if (d <= day) best = d;
  return best;
}

function fillSelect(select, values, current) {
  const keep = select.options[0];
  select.replaceChildren(keep, ...values.map((v) => el("option", { value: v }, v)));
  select.value = values.includes(current) ? current : "";
}

function selectTab(name) {
  for (const t of ["queue", "incident", "board"]) {
    $(`tab-${t}`).setAttribute("aria-selected", String(t === name));
    $(t).hidden = t !== name;
  }
  state.view.tab = name;
  writeHash();
}

async function refreshMap() {
  const filters = { day: state.view.day || "", agreement: state.view.agreement || "", category: state.view.category || "", source: state.view.source || "", state: state.view.state || "", oblast: state.view.oblast || "" };
  const answer = await state.map.showIncidents(filters);
  if (answer === null) return null; // a later request superseded this one
  state.facets = answer.facets;
  const shownDay = state.view.day ? state.view.day : "all days";
  const line = mapDayFor(state.view.day);
  $("day-label").textContent = `${shownDay}: ${answer.total} incidents${answer.unplaced ? ` (+${answer.unplaced} without a point)` : ""}; front of ${line || "none"}`;
  drawBars(answer.days);
  document.body.dataset.incidents = String(answer.total);
  return answer;
}

function drawBars(counts) {
  const svg = $("bars");
  const max = Math.max(1, ...Object.values(counts));
  const n = state.days.length;
  svg.setAttribute("viewBox", `0 0 ${n} 1`);
  const ns = "http://www.w3.org/2000/svg";
  const rects = [];
  state.days.forEach((d, i) => {
    if (!counts[d]) return;
    const r = document.createElementNS(ns, "rect");
    const h = Math.max(0.1, counts[d] / max);
    r.setAttribute("x", String(i)); r.setAttribute("width", "1"); r.setAttribute("y", String(1 - h)); r.setAttribute("height", String(h));
    rects.push(r);
  });
  svg.replaceChildren(...rects);
}

async function refreshLayers(previous) {
  const line = mapDayFor(state.view.day);
  if (line !== state.map.rendered.line) await state.map.showLine(line);
  if ((state.view.agreement || "") !== (previous.agreement || "") || state.map.rendered.zones === null) await state.map.showAgreement(state.view.agreement || "");
}

async function update(changes) {
  const previous = { ...state.view };
  Object.assign(state.view, changes);
  for (const k of Object.keys(state.view)) if (state.view[k] === "") delete state.view[k];
  writeHash();
  state.busy += 1;
  document.body.dataset.busy = "1";
  try {
    await Promise.all([refreshLayers(previous), refreshMap()]);
    fillSelect($("source"), Object.keys(state.facets.source || {}), state.view.source);
    fillSelect($("category"), Object.keys(state.facets.category || {}), state.view.category);
    fillSelect($("state"), Object.keys(state.facets.state || {}), state.view.state);
    status("");
  } catch (error) {
    status(error.message);
  } finally {
    state.busy -= 1;
    if (!state.busy) delete document.body.dataset.busy;
  }
}

async function openIncident(id) {
  state.view.incident = id;
  selectTab("incident");
  const reload = async () => { await renderIncident($("incident"), id, state.me, state.view.agreement || "", reload); await refreshMap(); };
  try {
    await renderIncident($("incident"), id, state.me, state.view.agreement || "", reload);
    $("incident-title").focus();
  } catch (error) {
    $("incident").replaceChildren(el("p", { class: "error" }, error.message));
  }
}

function setDayIndex(i) {
  const clamped = Math.max(0, Math.min(state.days.length - 1, i));
  $("day").value = String(clamped);
  $("all-days").checked = false;
  return update({ day: state.days[clamped], all: "" });
}

function wire() {
  for (const f of FILTERS) $(f).addEventListener("change", () => update({ [f]: $(f).value }));
  $("day").addEventListener("input", () => setDayIndex(Number($("day").value)));
  $("prev-day").addEventListener("click", () => setDayIndex(Number($("day").value) - 1));
  $("next-day").addEventListener("click", () => setDayIndex(Number($("day").value) + 1));
  $("all-days").addEventListener("change", () => ($("all-days").checked ? update({ day: "", all: "1" }) : setDayIndex(Number($("day").value))));
  $("tab-queue").addEventListener("click", () => selectTab("queue"));
  $("tab-incident").addEventListener("click", () => selectTab("incident"));
  $("tab-board").addEventListener("click", async () => { selectTab("board"); await renderBoard($("board"), state.me, state.map); });
  $("signout").addEventListener("click", () => { token.clear(); location.reload(); });
  let timer = null;
  state.map.map.on("moveend", () => { clearTimeout(timer); timer = setTimeout(() => update({}), 150); });
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select, [role=listbox]")) return;
    if (event.key === "[") setDayIndex(Number($("day").value) - 1);
    else if (event.key === "]") setDayIndex(Number($("day").value) + 1);
    else if (event.key === "q") { selectTab("queue"); $("queue").querySelector("[role=listbox]")?.focus(); }
    else if (event.key === "m") $("map").focus();
  });
}

async function signIn() {
  const dialog = $("signin");
  while (true) {
    if (token.get()) {
      try { return await api.get("/v1/me"); } catch (error) {
        token.clear();
        $("signin-error").textContent = `That token was refused: ${error.message}`;
      }
    }
    dialog.showModal();
    await new Promise((resolve) => $("signin-form").addEventListener("submit", resolve, { once: true }));
    token.set($("token").value.trim());
    $("token").value = "";
  }
}

async function start() {
  state.me = await signIn();
  $("who").textContent = `${state.me.user} · ${state.me.role} · ${state.me.organisation}`;
  $("signout").hidden = false;
  state.view = readHash();
  state.map = new IncidentMap($("map"), openIncident);
  if (state.view.z && state.view.lat && state.view.lon) state.map.map.setView([Number(state.view.lat), Number(state.view.lon)], Number(state.view.z));
  for (const k of ["z", "lat", "lon"]) delete state.view[k];
  const [oblasts, days, agreements] = await Promise.all([state.map.loadBasemap(), api.get("/v1/map/days"), api.get("/v1/agreements")]);
  state.mapDays = days.maps;
  fillSelect($("oblast"), oblasts, state.view.oblast);
  fillSelect($("agreement"), agreements.map((a) => a.id), state.view.agreement);
  // the timeline runs from the first day with a map or an incident the caller may see to the last
  const overview = await api.get("/v1/map/incidents?zoom=3");
  const incidentDays = Object.keys(overview.days);
  const ends = [...state.mapDays, ...incidentDays].sort();
  const today = isoDay(new Date());
  state.days = dayRange(ends[0] || today, ends[ends.length - 1] || today);
  $("day").max = String(state.days.length - 1);
  if (!("day" in state.view) && !state.view.all) {
    // the latest day that holds an incident the caller may see, else the latest map
    state.view.day = incidentDays.length ? incidentDays[incidentDays.length - 1] : ends[ends.length - 1];
  }
  $("day").value = String(Math.max(0, state.days.indexOf(state.view.day)));
  $("all-days").checked = !state.view.day;
  wire();
  await Promise.all([update({}), renderQueue($("queue"), state.me, overview.facets, openIncident)]);
  const tab = state.view.tab || "queue";
  if (state.view.incident) await openIncident(state.view.incident);
  else if (tab === "board") { selectTab("board"); await renderBoard($("board"), state.me, state.map); }
  else selectTab(tab);
  document.body.dataset.ready = "1";
}

start().catch((error) => status(`The dashboard could not start: ${error.message}`));
