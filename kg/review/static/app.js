// kg review: the page. Plain JavaScript, no build step. Every change is one edit sent to the server with the
// version of the file it was made on; the server answers with the new file and version, or an error to show.
"use strict";

const TOKEN = document.querySelector('meta[name="kg-token"]').content;
const $ = (id) => document.getElementById(id);
const NEW_ACTOR = "__new__";

const S = {
  docs: [], current: null, data: null, version: null, known: {}, selected: null, pending: null,
  lastSpeaker: null, newActorFor: null, chain: Promise.resolve(),
};

// ------------------------------------------------------------------------------------------ status, errors
function status(text, cls) {
  const el = $("status");
  el.textContent = text;
  el.className = "status " + (cls || "");
}

function banner(text, kind, reload) {
  $("banner-text").textContent = text;
  $("banner").className = "banner " + (kind || "");
  $("banner-reload").hidden = !reload;
  $("banner").hidden = false;
}

function hideBanner() { $("banner").hidden = true; }

async function api(path, options) {
  const opts = Object.assign({headers: {}}, options || {});
  opts.headers["X-KG-Token"] = TOKEN;
  let r;
  try {
    r = await fetch(path, opts);
  } catch (e) {
    return {ok: false, status: 0, body: {error: "the kg review server does not answer (was it stopped?)"}};
  }
  let body;
  try { body = await r.json(); } catch (e) { body = {error: r.status + " " + r.statusText}; }
  return {ok: r.ok, status: r.status, body};
}

// ----------------------------------------------------------------------------------- code points and text
// Offsets in the extracts are code points; JavaScript strings are UTF-16. The text is kept as an array of
// code points and every rendered piece knows the code-point offset it starts at.
let CP = [];

function cpLen(s) { let n = 0; for (const _ of s) n++; return n; }

function nameOf(id) {
  const a = S.data.actors.find((x) => x.id === id);
  return a ? a.name : id;
}

function statements() {
  let sts = S.data.statements.slice();
  if ($("f-lowconf").checked) {
    sts.sort((a, b) => (!!a.reviewed - !!b.reviewed) || (a.confidence - b.confidence) || (a.start - b.start));
  } else {
    sts.sort((a, b) => (a.start - b.start) || (a.end - b.end));
  }
  return sts;
}

function matchesFilters(st) {
  const issue = $("f-issue").value, actor = $("f-actor").value;
  if (issue && !st.issues.includes(issue)) return false;
  if (actor && nameOf(st.speaker) !== actor) return false;
  return true;
}

function renderText() {
  const root = $("text");
  root.textContent = "";
  const sts = S.data.statements;
  const n = CP.length;
  const cuts = new Set([0, n]);
  for (const s of sts) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].filter((x) => x >= 0 && x <= n).sort((a, b) => a - b);
  const starts = new Map();
  for (const s of sts) {
    if (!starts.has(s.start)) starts.set(s.start, []);
    starts.get(s.start).push(s);
  }
  const frag = document.createDocumentFragment();
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i], b = points[i + 1];
    for (const s of starts.get(a) || []) {
      const who = document.createElement("span");
      who.className = "who " + s.stance + (matchesFilters(s) ? "" : " dim");
      who.dataset.sid = s.id;
      who.textContent = nameOf(s.speaker).slice(0, 32) + (s.reviewed ? " ✓" : "");
      who.title = nameOf(s.speaker) + " · " + s.stance + (s.reviewed ? " · reviewed" : "");
      frag.appendChild(who);
    }
    let inner = null;
    for (const s of sts) {
      if (s.start <= a && s.end >= b && (!inner || s.end - s.start < inner.end - inner.start)) inner = s;
    }
    const span = document.createElement("span");
    span.dataset.start = a;
    span.textContent = CP.slice(a, b).join("");
    if (inner) {
      span.className = "st " + inner.stance + (inner.reviewed ? " reviewed" : "") +
        (matchesFilters(inner) ? "" : " dim") + (inner.id === S.selected ? " sel" : "");
      span.dataset.sid = inner.id;
    }
    frag.appendChild(span);
  }
  root.appendChild(frag);
}

// A DOM boundary (node, offset) -> code-point offset in the document text, or null.
function cpOffset(node, off) {
  if (node.nodeType === Node.TEXT_NODE) {
    const el = node.parentElement;
    if (el && el.dataset.start !== undefined) return Number(el.dataset.start) + cpLen(node.data.slice(0, off));
    node = el; off = 0;  // inside a speaker label: the text after it
    const next = nextPiece(node);
    return next ? Number(next.dataset.start) : CP.length;
  }
  if (node === $("text")) {
    const child = node.childNodes[off];
    if (!child) return CP.length;
    const piece = child.dataset && child.dataset.start !== undefined ? child : nextPiece(child);
    return piece ? Number(piece.dataset.start) : CP.length;
  }
  if (node.dataset && node.dataset.start !== undefined) {
    return off === 0 ? Number(node.dataset.start) : Number(node.dataset.start) + cpLen(node.textContent);
  }
  const next = nextPiece(node);
  return next ? Number(next.dataset.start) : CP.length;
}

function nextPiece(el) {
  let x = el.nextSibling;
  while (x && !(x.dataset && x.dataset.start !== undefined)) x = x.nextSibling;
  return x;
}

function selectionSpan() {
  const sel = window.getSelection();
  if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
  const r = sel.getRangeAt(0);
  if (!$("text").contains(r.startContainer) || !$("text").contains(r.endContainer)) return null;
  let a = cpOffset(r.startContainer, r.startOffset), b = cpOffset(r.endContainer, r.endOffset);
  if (a === null || b === null) return null;
  while (a < b && /\s/.test(CP[a])) a++;
  while (b > a && /\s/.test(CP[b - 1])) b--;
  return a < b ? {start: a, end: b} : null;
}

// ------------------------------------------------------------------------------------------- side panels
function actorOptions(select, chosen, withNew) {
  select.textContent = "";
  const actors = S.data.actors.slice().sort((a, b) => a.name.localeCompare(b.name));
  for (const a of actors) {
    const o = document.createElement("option");
    o.value = a.id;
    o.textContent = a.name + (a.type === "person" ? "" : " (" + a.type + ")");
    select.appendChild(o);
  }
  if (withNew) {
    const o = document.createElement("option");
    o.value = NEW_ACTOR;
    o.textContent = "＋ new actor…";
    select.appendChild(o);
  }
  if (chosen && actors.some((a) => a.id === chosen)) select.value = chosen;
}

function renderEditor() {
  const st = S.data.statements.find((s) => s.id === S.selected);
  $("editor").hidden = !st;
  $("nothing").hidden = !!st || !!S.pending;
  if (!st) return;
  const order = statements();
  $("ed-pos").textContent = (order.findIndex((s) => s.id === st.id) + 1) + " of " + order.length;
  $("ed-text").textContent = st.text;
  actorOptions($("ed-speaker"), st.speaker, true);
  for (const b of $("ed-stance").children) b.classList.toggle("on", b.dataset.v === st.stance);
  for (const b of $("ed-kind").children) b.classList.toggle("on", b.dataset.v === st.kind);
  const box = $("ed-issues");
  box.textContent = "";
  const labels = Object.assign({}, S.known);
  for (const i of S.data.issues) labels[i.id] = i.label;
  const ids = Object.keys(labels).sort((a, b) =>
    (st.issues.includes(b) - st.issues.includes(a)) || labels[a].localeCompare(labels[b]));
  for (const id of ids) {
    const l = document.createElement("label");
    const c = document.createElement("input");
    c.type = "checkbox"; c.value = id; c.checked = st.issues.includes(id);
    l.className = c.checked ? "on" : "";
    l.appendChild(c);
    l.appendChild(document.createTextNode(" " + labels[id]));
    box.appendChild(l);
  }
  const corrected = Object.keys(st.corrected || {});
  const parts = ["confidence " + st.confidence, st.cue ? "cue “" + st.cue + "”" : null,
    corrected.length ? "corrected: " + corrected.join(", ") + " by " + Object.values(st.corrected)[0].by : null,
    st.reviewed ? "reviewed by " + st.reviewed.by : "not reviewed", st.id];
  $("ed-meta").textContent = parts.filter(Boolean).join(" · ");
  $("ed-reviewed").textContent = st.reviewed ? "Reviewed ✓ (undo)" : "Mark reviewed";
}

function renderSelectionBox() {
  $("selection-box").hidden = !S.pending;
  if (!S.pending) return;
  $("sel-text").textContent = CP.slice(S.pending.start, S.pending.end).join("");
  const current = $("sel-speaker").value;
  actorOptions($("sel-speaker"), S.lastSpeaker || current, true);
  $("sel-span").disabled = !S.selected;
  $("nothing").hidden = true;
}

function renderActorsBox() {
  actorOptions($("m-drop"), $("m-drop").value, false);
  actorOptions($("m-keep"), $("m-keep").value, false);
  if ($("m-keep").value === $("m-drop").value && $("m-keep").options.length > 1) $("m-keep").selectedIndex = 1;
}

function renderHeader() {
  const d = S.data.document;
  $("doc-title").textContent = d.title || d.id;
  const n = S.data.statements.length, r = S.data.statements.filter((s) => s.reviewed).length;
  $("doc-progress").textContent = r + " / " + n + " statements reviewed";
  $("source-link").hidden = !S.hasCorpus;
  $("source-link").href = "/api/documents/" + encodeURIComponent(S.current) + "/source";
  $("mark-doc").textContent = d.reviewed ? "Document reviewed ✓ (undo)" : "Mark document reviewed";
}

function renderAll() {
  if (!S.data) return;
  renderHeader();
  renderText();
  renderEditor();
  renderSelectionBox();
  renderActorsBox();
}

// ------------------------------------------------------------------------------------------ document list
function fillFilter(select, values) {
  const keep = select.value;
  while (select.options.length > 1) select.remove(1);
  for (const v of values) {
    const o = document.createElement("option");
    o.value = v; o.textContent = v;
    select.appendChild(o);
  }
  select.value = values.includes(keep) ? keep : "";
}

function isDone(d) { return !!d.reviewed || (d.statements > 0 && d.reviewed_statements === d.statements); }

function visibleDocs() {
  let docs = S.docs.slice();
  const issue = $("f-issue").value, actor = $("f-actor").value;
  if ($("f-unreviewed").checked) docs = docs.filter((d) => d.error || !isDone(d));
  if (issue) docs = docs.filter((d) => (d.issues || []).includes(issue));
  if (actor) docs = docs.filter((d) => (d.actors || []).includes(actor));
  if ($("f-lowconf").checked) {
    const key = (d) => (d.min_confidence === null || d.min_confidence === undefined ? 2 : d.min_confidence);
    docs.sort((a, b) => key(a) - key(b));
  }
  return docs;
}

function renderList() {
  const issues = new Set(), actors = new Set();
  for (const d of S.docs) { (d.issues || []).forEach((i) => issues.add(i)); (d.actors || []).forEach((a) => actors.add(a)); }
  fillFilter($("f-issue"), [...issues].sort());
  fillFilter($("f-actor"), [...actors].sort());
  const ul = $("doc-list");
  ul.textContent = "";
  for (const d of visibleDocs()) {
    const li = document.createElement("li");
    li.dataset.doc = d.id;
    if (d.id === S.current) li.className = "current";
    const t = document.createElement("div");
    t.className = "t"; t.textContent = d.title;
    li.appendChild(t);
    const n = document.createElement("div");
    n.className = "n";
    if (d.error) {
      n.classList.add("err"); n.textContent = d.error;
    } else {
      const c = document.createElement("span");
      c.textContent = d.reviewed_statements + "/" + d.statements + " reviewed";
      const bar = document.createElement("span");
      bar.className = "bar";
      const fill = document.createElement("i");
      fill.style.width = (d.statements ? 100 * d.reviewed_statements / d.statements : 0) + "%";
      bar.appendChild(fill);
      n.appendChild(c); n.appendChild(bar);
      if (isDone(d)) { const ok = document.createElement("span"); ok.className = "done"; ok.textContent = "✓"; n.appendChild(ok); }
    }
    li.appendChild(n);
    li.addEventListener("click", () => openDoc(d.id));
    ul.appendChild(li);
  }
}

async function refreshList() {
  const r = await api("/api/documents");
  if (!r.ok) { banner(r.body.error, "err"); return; }
  S.docs = r.body.documents;
  const base = (p) => p.split(/[\\/]/).filter(Boolean).pop();
  $("folder-info").textContent = "Extracts: " + base(r.body.folder) +
    (r.body.corpus ? " · corpus: " + base(r.body.corpus) : "") + " · saving as " + r.body.coder;
  $("folder-info").title = r.body.folder + (r.body.corpus ? "\n" + r.body.corpus : "");
  S.hasCorpus = !!r.body.corpus;
  renderList();
}

async function openDoc(id) {
  status("Loading " + id + "…", "busy");
  const r = await api("/api/documents/" + encodeURIComponent(id));
  if (!r.ok) { banner(r.body.error, "err"); status("Could not open " + id, "err"); return; }
  if (S.current !== id) { S.selected = null; S.pending = null; }
  S.current = id; S.data = r.body.data; S.version = r.body.version; S.known = r.body.known_issues || {};
  CP = Array.from(S.data.document.text || "");
  if (S.selected && !S.data.statements.some((s) => s.id === S.selected)) S.selected = null;
  history.replaceState(null, "", "/?doc=" + encodeURIComponent(id));
  hideBanner();
  renderAll();
  renderList();
  status("Opened", "ok");
}

// ------------------------------------------------------------------------------------------------- edits
function edit(op, args) {
  S.chain = S.chain.then(() => sendEdit(op, args));
  return S.chain;
}

async function sendEdit(op, args) {
  if (!S.data) return null;
  status("Saving…", "busy");
  const r = await api("/api/documents/" + encodeURIComponent(S.current) + "/edit", {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({version: S.version, op, args}),
  });
  if (!r.ok) {
    if (r.status === 409) {
      banner(r.body.error, "", true);
    } else {
      banner(r.body.error || ("not saved (" + r.status + ")"), "err");
    }
    status("Not saved", "err");
    return null;
  }
  S.data = r.body.data; S.version = r.body.version;
  if (S.selected && !S.data.statements.some((s) => s.id === S.selected)) S.selected = null;
  hideBanner();
  renderAll();
  status("Saved " + new Date().toLocaleTimeString(), "ok");
  refreshList();
  return r.body;
}

function selectStatement(id, scroll) {
  S.selected = id;
  renderText();
  renderEditor();
  renderSelectionBox();
  if (scroll) {
    const el = document.querySelector('#text .st[data-sid="' + CSS.escape(id) + '"]');
    if (el) el.scrollIntoView({block: "center", behavior: "auto"});
  }
}

function step(delta) {
  const order = statements();
  if (!order.length) return;
  let i = order.findIndex((s) => s.id === S.selected);
  i = i < 0 ? (delta > 0 ? 0 : order.length - 1) : Math.min(order.length - 1, Math.max(0, i + delta));
  selectStatement(order[i].id, true);
}

function stepDoc(delta) {
  const docs = visibleDocs();
  const i = docs.findIndex((d) => d.id === S.current);
  const j = Math.min(docs.length - 1, Math.max(0, i + delta));
  if (docs[j] && docs[j].id !== S.current) openDoc(docs[j].id);
}

function setStance(v) { if (S.selected) edit("set_stance", {statement: S.selected, stance: v}); }

function toggleReviewed() {
  const st = S.data.statements.find((s) => s.id === S.selected);
  if (st) edit("mark_reviewed", {statement: st.id, reviewed: !st.reviewed});
}

function toggleDocReviewed(force) {
  const on = force === undefined ? !S.data.document.reviewed : force;
  edit("mark_reviewed", {reviewed: on});
}

async function addFromSelection() {
  if (!S.pending) { status("Select the words of the statement in the text first", "err"); return; }
  const speaker = $("sel-speaker").value;
  if (!speaker || speaker === NEW_ACTOR) { startNewActor("selection"); return; }
  const {start, end} = S.pending;
  S.lastSpeaker = speaker;
  const res = await edit("add_statement", {start, end, speaker});
  if (res) {
    const st = S.data.statements.find((s) => s.start === start && s.end === end);
    S.pending = null;
    window.getSelection().removeAllRanges();
    if (st) selectStatement(st.id, false);
  }
}

async function spanFromSelection() {
  if (!S.pending || !S.selected) { status("Select a statement, then the words it should cover", "err"); return; }
  const {start, end} = S.pending;
  const res = await edit("set_span", {statement: S.selected, start, end});
  if (res) { S.pending = null; window.getSelection().removeAllRanges(); renderAll(); }
}

function deleteSelected() {
  if (!S.selected) return;
  const order = statements();
  const i = order.findIndex((s) => s.id === S.selected);
  const next = order[i + 1] || order[i - 1];
  const id = S.selected;
  S.selected = next ? next.id : null;
  edit("delete_statement", {statement: id});
}

function startNewActor(target) {
  S.newActorFor = target;
  $("new-actor").hidden = false;
  $("na-name").focus();
}

async function createActor() {
  const name = $("na-name").value.trim(), type = $("na-type").value;
  if (!name) { status("Type the new actor's name", "err"); return; }
  const res = await edit("create_actor", {name, type});
  if (!res) return;
  $("na-name").value = "";
  $("new-actor").hidden = true;
  if (S.newActorFor === "editor" && S.selected) {
    await edit("set_speaker", {statement: S.selected, actor: res.created});
  } else {
    S.lastSpeaker = res.created;
    renderSelectionBox();
  }
  S.newActorFor = null;
}

// ------------------------------------------------------------------------------------------------ wiring
function wire() {
  $("text").addEventListener("click", (e) => {
    if (!window.getSelection().isCollapsed) return;
    const el = e.target.closest("[data-sid]");
    S.pending = null;
    if (el) selectStatement(el.dataset.sid, false);
    else renderSelectionBox();
  });
  document.addEventListener("selectionchange", () => {
    const span = selectionSpan();
    if (span) { S.pending = span; renderSelectionBox(); }
  });
  $("ed-speaker").addEventListener("change", (e) => {
    if (e.target.value === NEW_ACTOR) { startNewActor("editor"); return; }
    S.lastSpeaker = e.target.value;
    edit("set_speaker", {statement: S.selected, actor: e.target.value});
  });
  $("sel-speaker").addEventListener("change", (e) => {
    if (e.target.value === NEW_ACTOR) startNewActor("selection");
    else S.lastSpeaker = e.target.value;
  });
  for (const b of $("ed-stance").children) b.addEventListener("click", () => setStance(b.dataset.v));
  for (const b of $("ed-kind").children) {
    b.addEventListener("click", () => edit("set_kind", {statement: S.selected, kind: b.dataset.v}));
  }
  $("ed-issues").addEventListener("change", () => {
    const ids = [...$("ed-issues").querySelectorAll("input:checked")].map((c) => c.value);
    edit("set_issues", {statement: S.selected, issues: ids});
  });
  $("ed-reviewed").addEventListener("click", toggleReviewed);
  $("ed-delete").addEventListener("click", deleteSelected);
  $("na-create").addEventListener("click", createActor);
  $("na-cancel").addEventListener("click", () => { $("new-actor").hidden = true; renderAll(); });
  $("na-name").addEventListener("keydown", (e) => { if (e.key === "Enter") createActor(); });
  $("sel-add").addEventListener("click", addFromSelection);
  $("sel-span").addEventListener("click", spanFromSelection);
  $("m-go").addEventListener("click", () => {
    const keep = $("m-keep").value, drop = $("m-drop").value;
    edit("merge_actors", {keep, drop});
  });
  $("mark-doc").addEventListener("click", () => toggleDocReviewed());
  $("banner-reload").addEventListener("click", () => openDoc(S.current));
  $("banner-close").addEventListener("click", hideBanner);
  $("help-btn").addEventListener("click", () => { $("help").hidden = !$("help").hidden; });
  $("help-close").addEventListener("click", () => { $("help").hidden = true; });
  for (const id of ["f-unreviewed", "f-lowconf", "f-issue", "f-actor"]) {
    $(id).addEventListener("change", () => { renderList(); if (S.data) { renderText(); renderEditor(); } });
  }
  document.addEventListener("keydown", (e) => {
    const tag = (e.target.tagName || "").toLowerCase();
    const typing = tag === "select" || tag === "textarea" || (tag === "input" && e.target.type !== "checkbox");
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key;
    const keys = {
      j: () => step(1), k: () => step(-1), s: () => setStance("support"), o: () => setStance("oppose"),
      n: () => setStance("neutral"), r: toggleReviewed, R: () => toggleDocReviewed(true), a: addFromSelection,
      e: spanFromSelection, x: deleteSelected, Delete: deleteSelected, "]": () => stepDoc(1), "[": () => stepDoc(-1),
      "?": () => { $("help").hidden = !$("help").hidden; },
      Escape: () => { $("help").hidden = true; S.pending = null; window.getSelection().removeAllRanges(); renderAll(); },
    };
    if (keys[k]) { e.preventDefault(); keys[k](); }
  });
}

async function start() {
  wire();
  await refreshList();
  const asked = new URLSearchParams(location.search).get("doc");
  let target = S.docs.find((d) => d.id === asked);
  if (!target) target = S.docs.find((d) => !d.error && !isDone(d)) || S.docs[0];
  if (target) await openDoc(target.id);
  else status("No extracts files in this folder", "err");
}

start();
