// toe studio's page: the script editor (highlighted with the VS Code grammar, the language
// server's diagnostics, hover and completion), the controls that write the script (and read
// it back), and the results (the report of the latest run). Every request carries the token.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { text: "", columns: null, model: null, sets: null, lastJson: null, running: null, file: "" };
window.toeStudio = state;

async function api(path, body, raw) {
  const r = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "X-Toe-Token": TOKEN, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: raw && raw.signal,
  });
  if (raw && raw.blob && r.ok) return r;
  const j = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
  if (!r.ok) throw new Error(j.error || `HTTP ${r.status}`);
  return j;
}

function status(s) {
  $("status").textContent = s;
}

// ---------------------------------------------------------------- highlighting

const grammar = JSON.parse($("grammar").textContent);
const rules = grammar.patterns
  .map((p) => grammar.repository[p.include.slice(1)])
  .map((r) => ({
    cls: "t-" + r.name.split(".")[0].replace("constant", "value").replace("keyword", "keyword").replace("variable", "set").replace("support", "function"),
    name: r.name,
    re: r.match ? new RegExp(r.match, "gm") : new RegExp(r.begin + "[^\"\\n]*(?:" + r.end + ")", "gm"),
  }));
// finer classes by the grammar's scope names
for (const r of rules) {
  if (r.name.startsWith("comment")) r.cls = "t-comment";
  else if (r.name.startsWith("string")) r.cls = "t-string";
  else if (r.name.includes("query")) r.cls = "t-query";
  else if (r.name.startsWith("keyword.operator")) r.cls = "t-operator";
  else if (r.name.startsWith("keyword")) r.cls = "t-keyword";
  else if (r.name.startsWith("support.function")) r.cls = "t-function";
  else if (r.name.includes("option")) r.cls = "t-option";
  else if (r.name.includes("percentile")) r.cls = "t-percentile";
  else if (r.name.includes("numeric")) r.cls = "t-number";
  else if (r.name.includes("set")) r.cls = "t-set";
  else if (r.name.startsWith("constant")) r.cls = "t-value";
}

function esc(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// The text as spans: at each place the earliest match of any rule (the first rule on a tie);
// diagnostics' ranges underlined.
function highlight(text, marks) {
  const spans = [];
  let at = 0;
  while (at < text.length) {
    let best = null;
    for (const r of rules) {
      r.re.lastIndex = at;
      const m = r.re.exec(text);
      if (m && m[0].length > 0 && (!best || m.index < best.index)) best = { index: m.index, len: m[0].length, cls: r.cls };
    }
    if (!best) break;
    spans.push(best);
    at = best.index + best.len;
  }
  const cls = new Array(text.length + 1).fill(null);
  for (const s of spans) for (let k = s.index; k < s.index + s.len; k++) cls[k] = s.cls;
  const bad = new Array(text.length + 1).fill(false);
  for (const [a, b] of marks) for (let k = a; k < Math.max(b, a + 1) && k < text.length; k++) bad[k] = true;
  let out = "", cur = null, curBad = false, buf = "";
  const flush = () => {
    if (!buf) return;
    const c = [cur, curBad ? "squiggle" : null].filter(Boolean).join(" ");
    out += c ? `<span class="${c}">${esc(buf)}</span>` : esc(buf);
    buf = "";
  };
  for (let k = 0; k < text.length; k++) {
    if (cls[k] !== cur || bad[k] !== curBad) {
      flush();
      cur = cls[k];
      curBad = bad[k];
    }
    buf += text[k];
  }
  flush();
  return out + "\n";
}

// ---------------------------------------------------------------- the editor

const area = $("script");
let marks = [];

function offsetOf(text, line, character) {
  let at = 0;
  for (let l = 0; l < line; l++) {
    const n = text.indexOf("\n", at);
    if (n < 0) return text.length;
    at = n + 1;
  }
  return Math.min(at + character, text.length);
}

function position(text, offset) {
  const before = text.slice(0, offset);
  const line = (before.match(/\n/g) || []).length;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

function paint() {
  $("highlight").innerHTML = highlight(area.value, marks);
  $("highlight").scrollTop = area.scrollTop;
  $("highlight").scrollLeft = area.scrollLeft;
}

function setText(t, fromEditor) {
  if (!fromEditor) area.value = t;
  state.text = t;
  paint();
  changed();
}

let checkTimer = null, runTimer = null;
function changed() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, 200);
  if ($("auto").checked) {
    clearTimeout(runTimer);
    runTimer = setTimeout(run, 500);
  }
}

async function check() {
  const text = state.text;
  try {
    const [c, m] = await Promise.all([api("/api/check", { text }), api("/api/model", { text })]);
    if (text !== state.text) return;
    const list = $("diagnostics");
    list.innerHTML = "";
    marks = [];
    for (const d of c.diagnostics || []) {
      const li = document.createElement("li");
      li.className = d.severity === 1 ? "error" : "warning";
      const line = d.range.start.line + 1;
      li.innerHTML = `line ${line}: ${esc(d.message)} <code>${esc(d.code || "")}</code>` + (d.help ? `<br/><small>${esc(d.help)}</small>` : "");
      li.onclick = () => {
        const o = offsetOf(text, d.range.start.line, d.range.start.character);
        area.focus();
        area.setSelectionRange(o, o);
      };
      list.appendChild(li);
      if (d.severity === 1) marks.push([offsetOf(text, d.range.start.line, d.range.start.character), offsetOf(text, d.range.end.line, d.range.end.character)]);
    }
    paint();
    if (!m.error) {
      state.model = m;
      fromModel(m);
    }
    refreshPlot();
  } catch (e) {
    status("check failed: " + e.message);
  }
}

area.addEventListener("input", () => setText(area.value, true));
area.addEventListener("scroll", paint);
area.addEventListener("keydown", (e) => {
  if (e.key === "Tab") {
    e.preventDefault();
    const s = area.selectionStart;
    area.setRangeText("  ", s, area.selectionEnd, "end");
    setText(area.value, true);
  } else if ((e.ctrlKey || e.metaKey) && e.key === "s") {
    e.preventDefault();
    save();
  } else if (e.ctrlKey && e.key === " ") {
    e.preventDefault();
    complete();
  } else if (!$("completions").hidden && ["ArrowDown", "ArrowUp", "Enter", "Escape"].includes(e.key)) {
    e.preventDefault();
    completionKey(e.key);
  }
});

let hoverTimer = null;
area.addEventListener("keyup", () => {
  clearTimeout(hoverTimer);
  hoverTimer = setTimeout(hover, 400);
});
area.addEventListener("click", () => {
  $("completions").hidden = true;
  clearTimeout(hoverTimer);
  hoverTimer = setTimeout(hover, 150);
});

async function hover() {
  const p = position(area.value, area.selectionStart);
  try {
    const h = await api("/api/hover", { text: area.value, ...p });
    const v = h && h.contents ? (h.contents.value || h.contents) : "";
    $("hover").textContent = typeof v === "string" ? v.replace(/\*\*/g, "") : "";
  } catch (e) {
    $("hover").textContent = "";
  }
}

let items = [], active = 0;
async function complete() {
  const p = position(area.value, area.selectionStart);
  const r = await api("/api/complete", { text: area.value, ...p });
  items = Array.isArray(r) ? r : r.items || [];
  const word = (area.value.slice(0, area.selectionStart).match(/[A-Za-z_?.]*$/) || [""])[0];
  items = items.filter((i) => i.label.startsWith(word) || !word).slice(0, 60);
  const ul = $("completions");
  ul.innerHTML = "";
  active = 0;
  items.forEach((it, k) => {
    const li = document.createElement("li");
    li.textContent = it.label + (it.detail ? "  — " + it.detail : "");
    li.onmousedown = (e) => {
      e.preventDefault();
      accept(k);
    };
    ul.appendChild(li);
  });
  if (!items.length) return;
  const rect = area.getBoundingClientRect();
  ul.style.left = rect.left + 40 + "px";
  ul.style.top = rect.top + 40 + "px";
  ul.hidden = false;
  mark();
}
function mark() {
  [...$("completions").children].forEach((li, k) => li.classList.toggle("active", k === active));
}
function completionKey(k) {
  if (k === "Escape") $("completions").hidden = true;
  else if (k === "ArrowDown") active = Math.min(items.length - 1, active + 1);
  else if (k === "ArrowUp") active = Math.max(0, active - 1);
  else if (k === "Enter") accept(active);
  mark();
}
function accept(k) {
  const it = items[k];
  if (!it) return;
  const s = area.selectionStart;
  const word = (area.value.slice(0, s).match(/[A-Za-z_?.]*$/) || [""])[0];
  area.setRangeText(it.insertText || it.label, s - word.length, s, "end");
  $("completions").hidden = true;
  setText(area.value, true);
  area.focus();
}

// ---------------------------------------------------------------- running

async function run() {
  const text = state.text;
  if (marks.length) {
    status("fix the errors to run");
    return;
  }
  if (state.running) state.running.abort();
  const ctl = new AbortController();
  state.running = ctl;
  $("cancel").disabled = false;
  const t0 = performance.now();
  status("running…");
  const ticker = setInterval(() => status(`running… ${((performance.now() - t0) / 1000).toFixed(1)} s`), 250);
  try {
    const r = await api("/api/run", { text }, { signal: ctl.signal });
    if (r.cancelled || text !== state.text) return;
    if (r.ok) {
      state.lastJson = r.json;
      $("results").srcdoc = r.report;
      status(`ran in ${r.millis} ms` + (r.warnings.length ? ` — ${r.warnings.length} warning(s)` : ""));
    } else {
      const d = r.diagnostics.find((x) => x.severity === "error") || r.diagnostics[0];
      status(d ? `line ${d.line}: ${d.message}` : "the run failed");
    }
  } catch (e) {
    if (e.name !== "AbortError") status("run failed: " + e.message);
  } finally {
    clearInterval(ticker);
    if (state.running === ctl) {
      state.running = null;
      $("cancel").disabled = true;
    }
  }
}

$("run").onclick = run;
$("cancel").onclick = async () => {
  if (state.running) state.running.abort();
  await api("/api/cancel", {}).catch(() => {});
  status("cancelled");
};

async function save() {
  try {
    const r = await api("/api/save", { text: state.text });
    status("saved " + r.saved);
  } catch (e) {
    status("not saved: " + e.message);
  }
}
$("save").onclick = save;

$("download").onchange = async () => {
  const what = $("download").value;
  $("download").value = "";
  if (!what) return;
  status("preparing the download…");
  try {
    const r = what === "script"
      ? await api("/api/download_script", { text: state.text }, { blob: true })
      : await api("/api/report", { text: state.text, format: what }, { blob: true });
    if (!r.ok) {
      const j = await r.json();
      throw new Error(j.error);
    }
    const blob = await r.blob();
    const name = (r.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name ? name[1] : "download";
    document.body.appendChild(a);
    a.click();
    a.remove();
    status("downloaded " + a.download);
  } catch (e) {
    status("download failed: " + e.message);
  }
};

// ---------------------------------------------------------------- controls → script

async function edit(e) {
  $("edit-error").textContent = "";
  try {
    const r = await api("/api/edit", { text: state.text, edit: e });
    setText(r.text, false);
  } catch (err) {
    $("edit-error").textContent = err.message;
  }
}

function suggestName(column, taken) {
  let base = column.replace(/[^A-Za-z0-9]/g, "").slice(0, 3).toUpperCase() || "X";
  if (!/^[A-Z]/.test(base)) base = "X" + base;
  let n = base, k = 2;
  while (taken.has(n)) n = base + k++;
  taken.add(n);
  return n;
}

const DIMENSIONS = { toe: ["technology", "organization", "environment"], tooe: ["technology", "organization", "organization2", "environment"] };

function histogram(c) {
  if (c.kind !== "number") return `<small>${c.distinct} texts</small>`;
  const max = Math.max(1, ...c.histogram);
  const bars = c.histogram.map((h, k) => `<rect x="${k * 6}" y="${18 - (16 * h) / max}" width="5" height="${(16 * h) / max}" fill="#7a9cc6"/>`).join("");
  const fmt = (x) => (x === null ? "–" : Math.abs(x) >= 1000 ? x.toFixed(0) : +x.toPrecision(3));
  return `<svg class="hist" width="60" height="18" role="img" aria-label="histogram">${bars}</svg><small>${fmt(c.min)}–${fmt(c.max)}${c.missing ? `, ${c.missing} missing` : ""}</small>`;
}

function renderColumns() {
  const tbody = $("columns").querySelector("tbody");
  tbody.innerHTML = "";
  const ids = $("id-column");
  const keep = ids.value;
  ids.innerHTML = '<option value="">(numbered)</option>';
  if (!state.columns) return;
  const taken = new Set();
  const fw = $("framework").value;
  for (const c of state.columns.columns) {
    const o = document.createElement("option");
    o.value = o.textContent = c.name;
    ids.appendChild(o);
    if (c.kind !== "number") continue;
    const tr = document.createElement("tr");
    tr.dataset.column = c.name;
    const dims = (DIMENSIONS[fw] || []).map((d) => `<option>${d}</option>`).join("");
    tr.innerHTML = `<td class="name" title="${esc(c.name)}">${esc(c.name)}</td><td>${histogram(c)}</td>
      <td><select class="role" aria-label="role of ${esc(c.name)}"><option value="">–</option><option value="outcome">outcome</option><option value="condition">condition</option></select></td>
      <td><input class="set" aria-label="set name of ${esc(c.name)}" value="${suggestName(c.name, taken)}"/></td>
      <td><select class="dimension" aria-label="dimension of ${esc(c.name)}" ${fw ? "" : "disabled"}>${dims}</select></td>`;
    tbody.appendChild(tr);
  }
  ids.value = keep;
}

async function openFile(path) {
  state.file = path;
  if (!path) return;
  try {
    state.columns = await api("/api/columns", { path });
    renderColumns();
    status(`${path}: ${state.columns.rows} rows`);
    if (state.model) fromModel(state.model);
  } catch (e) {
    status(e.message);
  }
}

$("file").onchange = () => openFile($("file").value);
$("framework").onchange = () => {
  const keep = rowsState();
  renderColumns();
  applyRows(keep);
};
$("upload").onchange = async () => {
  const f = $("upload").files[0];
  if (!f) return;
  const r = await fetch("/api/upload?name=" + encodeURIComponent(f.name), { method: "PUT", headers: { "X-Toe-Token": TOKEN }, body: f });
  const j = await r.json();
  if (!r.ok) return status(j.error);
  const o = document.createElement("option");
  o.value = o.textContent = j.path;
  $("file").appendChild(o);
  $("file").value = j.path;
  openFile(j.path);
};

$("write-data").onclick = () => edit({ op: "data", path: $("file").value, id: $("id-column").value || null });

function rowsState() {
  return [...$("columns").querySelectorAll("tbody tr")].map((tr) => ({
    column: tr.dataset.column,
    role: tr.querySelector(".role").value,
    name: tr.querySelector(".set").value,
    dimension: tr.querySelector(".dimension").value,
  }));
}
function applyRows(rows) {
  for (const r of rows) {
    const tr = $("columns").querySelector(`tr[data-column="${CSS.escape(r.column)}"]`);
    if (!tr) continue;
    tr.querySelector(".role").value = r.role;
    tr.querySelector(".set").value = r.name;
    if (r.dimension) tr.querySelector(".dimension").value = r.dimension;
  }
}

$("write-sets").onclick = () => {
  const rows = rowsState().filter((r) => r.role);
  const outcome = rows.find((r) => r.role === "outcome");
  if (!outcome) return ($("edit-error").textContent = "choose the outcome's column");
  const fw = $("framework").value || null;
  edit({
    op: "sets",
    framework: fw,
    outcome: { name: outcome.name, column: outcome.column },
    conditions: rows.filter((r) => r.role === "condition").map((r) => ({ name: r.name, column: r.column, dimension: fw ? r.dimension : null })),
  });
};

function calibrationRows() {
  const tbody = $("calibration").querySelector("tbody");
  const old = Object.fromEntries([...tbody.querySelectorAll("tr")].map((tr) => [tr.dataset.set, readCal(tr)]));
  tbody.innerHTML = "";
  const names = ["*", ...((state.model && state.model.sets) || []).map((s) => s.name)];
  for (const n of names) {
    const tr = document.createElement("tr");
    tr.dataset.set = n;
    tr.innerHTML = `<td>${esc(n)}</td><td><select class="method" aria-label="method of ${esc(n)}"><option value="">–</option><option>direct</option><option>crisp</option><option>fuzzy</option><option>quartiles</option></select></td>
      <td><input class="e" aria-label="exclusion of ${esc(n)}" size="5"/></td><td><input class="c" aria-label="crossover of ${esc(n)}" size="5"/></td><td><input class="i" aria-label="inclusion of ${esc(n)}" size="5"/></td>`;
    tr.onclick = () => {
      state.plotSet = n === "*" ? null : n;
      refreshPlot();
    };
    tbody.appendChild(tr);
    if (old[n]) writeCal(tr, old[n]);
  }
}
function readCal(tr) {
  return { method: tr.querySelector(".method").value, e: tr.querySelector(".e").value, c: tr.querySelector(".c").value, i: tr.querySelector(".i").value };
}
function writeCal(tr, c) {
  tr.querySelector(".method").value = c.method || "";
  tr.querySelector(".e").value = c.e || "";
  tr.querySelector(".c").value = c.c || "";
  tr.querySelector(".i").value = c.i || "";
}

$("anchors-quartiles").onclick = () => {
  const tr = $("calibration").querySelector('tr[data-set="*"]');
  if (tr) writeCal(tr, { method: "direct", e: "p25", c: "p50", i: "p75" });
};
$("write-calibration").onclick = () => {
  const lines = [];
  for (const tr of $("calibration").querySelectorAll("tbody tr")) {
    const c = readCal(tr);
    if (!c.method) continue;
    lines.push({ set: tr.dataset.set, method: c.method, e: c.e, c: c.c, i: c.i, at: c.c || c.e });
  }
  if (!lines.length) return ($("edit-error").textContent = "choose a method for * or a set");
  edit({ op: "calibrate", lines });
};

const num = (id) => Number($(id).value);
$("add-nca").onclick = () => {
  const ceilings = [];
  if ($("nca-cr").checked) ceilings.push("cr_fdh");
  if ($("nca-ce").checked) ceilings.push("ce_fdh");
  edit({ op: "add_nca", name: $("nca-name").value, ceilings, permutations: num("nca-perm"), seed: num("nca-seed"), d: num("nca-d"), p: num("nca-p") });
};
$("add-fsqca").onclick = () =>
  edit({ op: "add_fsqca", name: $("fsqca-name").value, cases: num("fsqca-cases"), consistency: num("fsqca-consistency"), pri: $("fsqca-pri").value ? num("fsqca-pri") : null, expect_present: $("fsqca-expect").checked });
const analyses = (kind) => ((state.model && state.model.analyses) || []).filter((a) => a.kind === kind).map((a) => a.name);
$("add-nest").onclick = () => edit({ op: "add_nest", fsqca: analyses("fsqca")[0] || "", nca: analyses("nca")[0] || "" });
$("add-robustness").onclick = () => edit({ op: "add_robustness", of: analyses("fsqca")[0] || analyses("nca")[0] || "" });
$("add-resample").onclick = () => edit({ op: "add_resample", of: analyses("fsqca")[0] || "" });

// ---------------------------------------------------------------- script → controls

function fromModel(m) {
  if (m.data && m.data.path && m.data.path !== state.file) {
    if (![...$("file").options].some((o) => o.value === m.data.path)) {
      const o = document.createElement("option");
      o.value = o.textContent = m.data.path;
      $("file").appendChild(o);
    }
    $("file").value = m.data.path;
    openFile(m.data.path);
    return;
  }
  if (m.data && m.data.id) $("id-column").value = m.data.id;
  // the script's sets and calibration win over the controls only when they change in the
  // script (so a choice being made with the mouse is not reset by an unrelated check)
  const setsKey = JSON.stringify([m.framework, m.sets, !!state.columns]);
  if (setsKey !== state.appliedSets && (m.sets || []).length) {
    state.appliedSets = setsKey;
    const fw = m.framework || "";
    if ($("framework").value !== fw) {
      $("framework").value = fw;
      renderColumns();
    }
    applyRows((m.sets || []).map((s) => ({ column: s.column, role: s.role, name: s.name, dimension: s.dimension })));
  }
  const calKey = JSON.stringify([m.sets, m.calibrations]);
  if (calKey === state.appliedCalibration) return;
  state.appliedCalibration = calKey;
  calibrationRows();
  for (const c of m.calibrations || []) {
    const mm = c.line.match(/^\s*(\S+)\s+([a-z_]+)(?:\((.*)\))?/);
    if (!mm) continue;
    const tr = $("calibration").querySelector(`tr[data-set="${CSS.escape(mm[1])}"]`);
    if (!tr) continue;
    const arg = (k) => ((mm[3] || "").match(new RegExp("\\b" + k + "\\s*=\\s*([^,)]+)")) || [])[1] || "";
    writeCal(tr, { method: mm[2], e: arg("e"), c: arg("c") || arg("at"), i: arg("i") });
  }
}

// ---------------------------------------------------------------- calibration plot

async function refreshPlot() {
  try {
    state.sets = await api("/api/sets", { text: state.text });
  } catch (e) {
    return;
  }
  const sets = state.sets.sets.filter((s) => s.membership);
  const s = sets.find((x) => x.name === state.plotSet) || sets[0];
  if (!s) return ($("plot").innerHTML = "");
  const pts = s.raw.map((r, k) => [r, s.membership[k]]).filter(([r, m]) => r !== null && m !== null);
  const xs = pts.map((p) => p[0]);
  const lo = Math.min(...xs), hi = Math.max(...xs), w = 300, h = 150, pad = 28;
  const X = (x) => pad + ((x - lo) / (hi - lo || 1)) * (w - pad - 8), Y = (y) => h - pad + 4 - y * (h - pad - 8);
  const dots = pts.sort((a, b) => a[0] - b[0]).map(([x, y]) => `<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="2.5" fill="#0b5cad"/>`).join("");
  const anchors = (s.anchors || []).map((a) => `<line x1="${X(a.value)}" x2="${X(a.value)}" y1="${Y(0)}" y2="${Y(1)}" stroke="#bbb" stroke-dasharray="3 2"/><text x="${X(a.value) + 2}" y="${Y(1) + 9}" font-size="9" fill="#555">${a.name}${a.percentile !== null && a.percentile !== undefined ? " = p" + a.percentile : ""}</text>`).join("");
  $("plot").innerHTML = `<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="membership of ${esc(s.name)} against ${esc(s.column)}">
    <line x1="${pad}" x2="${w - 8}" y1="${Y(0)}" y2="${Y(0)}" stroke="#333"/><line x1="${pad}" x2="${pad}" y1="${Y(0)}" y2="${Y(1)}" stroke="#333"/>
    <line x1="${pad}" x2="${w - 8}" y1="${Y(0.5)}" y2="${Y(0.5)}" stroke="#eee"/>
    <text x="4" y="${Y(1) + 4}" font-size="9">1</text><text x="4" y="${Y(0.5) + 3}" font-size="9">0.5</text><text x="4" y="${Y(0) + 3}" font-size="9">0</text>
    <text x="${w / 2}" y="${h - 4}" font-size="10" text-anchor="middle">${esc(s.column)} → ${esc(s.name)}</text>
    ${anchors}${dots}</svg>`;
}

// ---------------------------------------------------------------- start

(async function start() {
  const s = await api("/api/study");
  $("study-name").textContent = "— " + s.name + (s.exists ? "" : " (new)");
  for (const f of s.files) {
    const o = document.createElement("option");
    o.value = o.textContent = f;
    $("file").appendChild(o);
  }
  calibrationRows();
  setText(s.text || "", false);
  status(s.version);
})();
