// One incident: observations and sources, fusion reasoning, findings and clauses, attribution,
// workflow history, response clocks, the reviewer's decision, and the ledger proof check.
import { api, el, query } from "./api.js";
import { b64, checkConsistency, ed25519Supported, hex, leafHash, parseCheckpoint, parseVkey, rootFromInclusion, verifyNote } from "./ledger.js";

const VKEY = "ceasefire.logkey";
const table = (head, rows) => el("table", {}, el("thead", {}, el("tr", {}, head.map((h) => el("th", {}, h)))), el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c) => el("td", {}, c ?? ""))))));

function section(title, ...content) { return [el("h3", {}, title), ...content]; }

function decisionForm(incident, me, findings, reload) {
  const moves = { reviewer: { corroborated: ["verified", "unverifiable", "dismissed"], reported: ["unverifiable", "dismissed"], unverifiable: ["reported", "corroborated"], dismissed: ["reported", "corroborated"] }, analyst: { reported: ["corroborated"] } };
  const allowed = (moves[me.role] || {})[incident.state] || [];
  if (!allowed.length) return [];
  const clauses = [...new Set(findings.flatMap((f) => f.clauses))];
  const to = el("select", { id: "decide-to", "aria-label": "Move to" }, allowed.map((s) => el("option", { value: s }, s)));
  const clause = el("select", { id: "decide-clause", "aria-label": "Violated clause" }, el("option", { value: "" }, "no violation named"), clauses.map((c) => el("option", { value: c }, c)));
  const reason = el("textarea", { id: "decide-reason", rows: "2", "aria-label": "Reason", required: true, placeholder: "Why (required)" });
  const result = el("p", { role: "status" });
  const submit = el("button", { type: "submit", id: "decide" }, "Record decision");
  const form = el("form", { class: "actions", "aria-label": "Decision" }, to, clause, reason, submit, result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { to: to.value, reason: reason.value.trim() };
    if (clause.value && to.value === "verified") body.violation_clause = clause.value;
    if (["reported", "corroborated"].includes(to.value) && ["unverifiable", "dismissed"].includes(incident.state)) body.evidence = ["dashboard: reopened"];
    try {
      const decision = await api.post(`/v1/incidents/${encodeURIComponent(incident.id)}/transitions`, body);
      result.className = "ok";
      result.textContent = `${decision.transition.from} \u2192 ${decision.transition.to}; ${decision.clocks.length} response clocks started`;
      await reload();
    } catch (error) {
      result.className = "error";
      result.textContent = error.message;
    }
  });
  return section("Decision", form);
}

async function checkProof(ledgerId, me, vkeyText, out) {
  const say = (text, cls) => out.append(el("li", { class: cls || "" }, text));
  out.replaceChildren();
  if (!window.crypto || !crypto.subtle) throw new Error("this page is not a secure context (HTTPS or localhost), so the browser has no WebCrypto to check with");
  const proof = await api.get(`/v1/ledger/proofs/inclusion${query({ record: ledgerId })}`);
  let leaf = Uint8Array.from(proof.leaf_hash.match(/../g).map((h) => parseInt(h, 16)));
  if (me.role !== "public") {
    const bundle = await api.get(`/v1/ledger/bundles/${ledgerId}`);
    const computed = await leafHash(b64(bundle.leaf_data));
    if (hex(computed) !== proof.leaf_hash) throw new Error("the record's bytes do not hash to the proven leaf");
    leaf = computed;
    say(`leaf hash recomputed in the browser from the record's ${b64(bundle.leaf_data).length} bytes`);
  } else {
    say("leaf hash as the service gave it (the public role sees no record bytes)");
  }
  const proven = parseCheckpoint(proof.checkpoint);
  const root = await rootFromInclusion(proof.leaf_index, proof.tree_size, leaf, proof.proof.map(b64));
  if (proven.size !== proof.tree_size || hex(root) !== hex(proven.root)) throw new Error("the inclusion proof does not lead to the checkpoint's root");
  say(`inclusion: leaf ${proof.leaf_index} of ${proof.tree_size} leads to root ${hex(root).slice(0, 16)}\u2026`);
  const latest = parseCheckpoint(await api.text("/v1/ledger/checkpoint"));
  if (latest.size < proven.size) throw new Error("the latest checkpoint is older than the proof's");
  if (latest.size > proven.size) {
    const c = await api.get(`/v1/ledger/proofs/consistency${query({ from: proven.size, to: latest.size })}`);
    if (!await checkConsistency(proven.size, latest.size, proven.root, latest.root, c.proof.map(b64))) throw new Error("the latest checkpoint does not extend the proof's tree");
    say(`consistency: the tree of ${proven.size} is a prefix of the latest checkpoint's ${latest.size}`);
  } else {
    say("the proof's checkpoint is the latest");
  }
  if (!vkeyText) { say("signatures NOT checked: paste the log's public key (log.vkey), obtained independently of this service", "error"); return false; }
  if (!await ed25519Supported()) { say("signatures NOT checked: this browser's WebCrypto has no Ed25519", "error"); return false; }
  const key = await parseVkey(vkeyText);
  for (const cp of [proven, latest]) {
    if (!await verifyNote(cp, key)) throw new Error(`the signature of ${key.name} on the checkpoint of size ${cp.size} does not verify`);
  }
  say(`Ed25519 signature of ${key.name} verified on ${proven === latest ? "the checkpoint" : "both checkpoints"}`);
  return true;
}

function proofPanel(incident, me) {
  if (!incident.ledger_id) return [];
  const out = el("ul", { id: "proof-steps" });
  const verdict = el("p", { id: "proof-result", role: "status" });
  const vkey = el("input", { id: "vkey", "aria-label": "Log public key (log.vkey)", placeholder: "log public key: name+keyid+base64", value: localStorage.getItem(VKEY) || "" });
  const button = el("button", { type: "button", id: "check-proof" }, "Check ledger inclusion in this browser");
  button.addEventListener("click", async () => {
    localStorage.setItem(VKEY, vkey.value.trim());
    verdict.className = ""; verdict.textContent = "checking\u2026";
    try {
      const signed = await checkProof(incident.ledger_id, me, vkey.value.trim(), out);
      verdict.className = signed ? "ok" : "error";
      verdict.textContent = signed ? "Checked by this browser (WebCrypto): the incident is in the log, under the latest signed checkpoint." : "Checked by this browser, but without the signature: not proven.";
    } catch (error) {
      verdict.className = "error";
      verdict.textContent = `Check failed (in this browser): ${error.message}`;
    }
  });
  return section("Evidence ledger", el("p", { class: "muted" }, incident.ledger_id), el("div", { class: "actions" }, vkey, button), verdict, out);
}

export async function renderIncident(container, id, me, agreement, reload) {
  const incident = await api.get(`/v1/incidents/${encodeURIComponent(id)}`);
  const mayFindings = me.role !== "public" && me.role !== "operations_planner";
  const findings = agreement && mayFindings ? await api.get(`/v1/incidents/${encodeURIComponent(id)}/findings${query({ agreement })}`) : [];
  const a = incident.attribution;
  const parts = [
    el("h2", { id: "incident-title", tabindex: "-1" }, `${incident.id}`),
    el("p", {}, el("span", { class: `state ${incident.state}` }, incident.state), ` ${incident.category} · ${incident.region || ""} · ${incident.start.slice(0, 16)} \u2013 ${incident.end.slice(0, 16)} UTC · ${incident.independent_sources} independent sources`),
    ...decisionForm(incident, me, findings, reload),
    ...section("Findings and clauses" + (agreement ? ` (${agreement})` : ""), agreement ? (findings.length ? table(["verdict", "clauses", "reason"], findings.map((f) => [f.verdict, f.clauses.join(", "), f.reason])) : el("p", { class: "muted" }, mayFindings ? "no findings for this agreement" : "findings stay inside the mission")) : el("p", { class: "muted" }, "choose an agreement to see its findings")),
    ...section("Attribution", el("p", {}, `${a.side} (${a.method}, confidence ${a.confidence})`), el("ul", {}, a.reasons.map((r) => el("li", {}, r)))),
  ];
  if (incident.observations) parts.push(...section("Observations", table(["source", "when", "description"], incident.observations.map((o) => [o.source, o.start.slice(0, 16), o.description]))));
  if (incident.sources) parts.push(...section("Sources (independence)", el("ul", {}, incident.sources.map((g) => el("li", {}, `${g.sources.join(", ")}: ${g.reason}`)))));
  if (incident.fusion) parts.push(...section("Fusion reasoning", table(["joined", "to", "distance / reach", "gap / tolerance"], incident.fusion.map((l) => [l.observation_id, l.joined, `${Math.round(l.distance_m)} / ${Math.round(l.reach_m)} m`, `${Math.round(l.gap_s)} / ${Math.round(l.tolerance_s)} s`]))));
  if (incident.supporting && incident.supporting.length) parts.push(...section("Supporting reports", el("ul", {}, incident.supporting.map((s) => el("li", {}, `${s.observation_id}: ${s.reason}`)))));
  parts.push(...section("Workflow history", table(["at", "from \u2192 to", "by", "reason"], incident.history.map((t) => [t.at.slice(0, 16), `${t.from} \u2192 ${t.to}`, [t.actor, t.organisation].filter(Boolean).join(", "), t.reason]))));
  parts.push(...section("Response clocks", incident.clocks.length ? table(["track", "party", "due"], incident.clocks.map((c) => [c.track, c.notified_party, c.due_at.slice(0, 16)])) : el("p", { class: "muted" }, "none running")));
  parts.push(...proofPanel(incident, me));
  container.replaceChildren(...parts);
  return incident;
}
