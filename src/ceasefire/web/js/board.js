// The deconfliction board. Hotline notices with their acknowledgment state are shown now;
// operational intents on a time axis and tracks appear once the service serves /v1/intents
// and /v1/tracks (not on this build: the board says so rather than asking and failing).
import { api, el, query } from "./api.js";

const HOTLINE = new Set(["admin", "monitor", "analyst", "reviewer", "party_liaison"]);

export async function renderBoard(section, me) {
  const parts = [el("h2", {}, "Deconfliction board"),
    el("p", { class: "muted" }, "Operational intents and live tracks are not served by this build of the service; the board shows the hotline's notices.")];
  if (!HOTLINE.has(me.role)) {
    parts.push(el("p", {}, "The hotline is between the mission and the parties' liaison offices."));
    section.replaceChildren(...parts);
    return;
  }
  const page = await api.get(`/v1/hotline/messages${query({ limit: 200 })}`);
  const notices = page.items.filter((m) => m.kind !== "message").sort((a, b) => b.sent_at.localeCompare(a.sent_at));
  const waiting = notices.filter((m) => !m.acknowledged_at);
  parts.push(el("div", { class: "waiting" },
    el("div", { class: waiting.length ? "overdue" : "" }, el("strong", {}, String(waiting.length)), "notices not acknowledged"),
    el("div", {}, el("strong", {}, String(notices.filter((m) => m.escalated_at).length)), "escalated")));
  parts.push(notices.length ? el("table", {}, el("thead", {}, el("tr", {}, ["sent", "kind", "to", "state", "incident"].map((h) => el("th", {}, h)))),
    el("tbody", {}, notices.map((m) => el("tr", {}, [m.sent_at.slice(0, 16), m.kind, m.recipient_org, m.escalated_at && !m.acknowledged_at ? `${m.state}, escalated` : m.state, m.incident_id].map((c) => el("td", {}, c))))))
    : el("p", { class: "muted" }, "No notices sent yet."));
  section.replaceChildren(...parts);
}
