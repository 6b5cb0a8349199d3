// The NexOS dashboard: fetches /api/state every two seconds and draws what changed. Counters
// are plotted as rates, histograms as their p50 and p99; everything else is shown as tables.
"use strict";

const PERIOD_MS = 2000;
const HISTORY = 60;
const history = new Map();   // metric name -> [{t, v}] for counters, [{t, p50, p99}] for histograms
const charts = new Map();    // chart key -> {canvas, value}
const state = { updates: 0, last: null };
window.nexosDashboard = state;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function human(n) {
  if (n === undefined || n === null || Number.isNaN(n)) return "–";
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(1) + "G";
  if (a >= 1e6) return (n / 1e6).toFixed(1) + "M";
  if (a >= 1e4) return (n / 1e3).toFixed(1) + "k";
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function chart(container, key, title) {
  let c = charts.get(key);
  if (!c) {
    const value = el("b");
    const canvas = el("canvas", { width: "300", height: "70", "data-metric": key, "data-samples": "0" });
    container.append(el("div", { class: "chart" }, el("div", { class: "label" }, el("span", {}, title), value), canvas));
    c = { canvas, value };
    charts.set(key, c);
  }
  return c;
}

function draw(c, series, colors) {
  const ctx = c.canvas.getContext("2d");
  const w = c.canvas.width, h = c.canvas.height;
  ctx.clearRect(0, 0, w, h);
  const all = series.flat();
  const max = Math.max(1, ...all);
  // The newest sample at the right edge, older ones scrolling left.
  const x = (j, n) => ((HISTORY - n + j) / (HISTORY - 1)) * w;
  const y = v => h - 2 - (v / max) * (h - 6);
  series.forEach((points, i) => {
    if (points.length === 0) return;
    ctx.beginPath();
    points.forEach((v, j) => { if (j === 0) ctx.moveTo(x(j, points.length), y(v)); else ctx.lineTo(x(j, points.length), y(v)); });
    ctx.strokeStyle = colors[i];
    ctx.lineWidth = 1.5;
    ctx.stroke();
    if (i === 0) {
      ctx.lineTo(x(points.length - 1, points.length), h);
      ctx.lineTo(x(0, points.length), h);
      ctx.closePath();
      ctx.fillStyle = colors[i] + "22";
      ctx.fill();
    }
  });
  c.canvas.dataset.samples = String(series[0].length);
}

function remember(name, sample) {
  const list = history.get(name) || [];
  list.push(sample);
  while (list.length > HISTORY + 1) list.shift();
  history.set(name, list);
  return list;
}

function updateMetrics(metrics, now) {
  const rates = document.getElementById("rates");
  const latency = document.getElementById("latency");
  const rows = [];
  for (const m of metrics) {
    rows.push([m.metric, m.n !== undefined ? `n=${m.n} p50=${m.p50} p99=${m.p99} max=${m.max}` : human(m.value), m.unit]);
    if (m.n !== undefined) {
      const list = remember(m.metric, { t: now, p50: m.p50, p99: m.p99 });
      if (m.n > 0) {
        const c = chart(latency, m.metric, m.metric);
        c.value.textContent = `p99 ${human(m.p99)}`;
        draw(c, [list.map(s => s.p50), list.map(s => s.p99)], ["#4fb3ff", "#ffb347"]);
      }
    } else if (m.min === undefined) {
      const list = remember(m.metric, { t: now, v: m.value });
      const rate = [];
      for (let i = 1; i < list.length; i++) {
        const dt = (list[i].t - list[i - 1].t) / 1000;
        rate.push(dt > 0 ? Math.max(0, (list[i].v - list[i - 1].v) / dt) : 0);
      }
      if (rate.length > 0 && (rate.some(r => r > 0) || charts.has(m.metric))) {
        const c = chart(rates, m.metric, m.metric);
        c.value.textContent = human(rate[rate.length - 1]) + "/s";
        draw(c, [rate], ["#5fd38d"]);
      }
    }
  }
  fillTable("metrics", rows);
}

function fillTable(id, rows) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren(...rows.map(r => el("tr", {}, ...r.map(v => el("td", {}, String(v ?? ""))))));
}

function updateKernel(k) {
  if (!k) return;
  const ns = k.uptime_ns || 0;
  document.getElementById("uptime").textContent = `up ${Math.floor(ns / 60e9)} min ${Math.floor(ns / 1e9) % 60} s` + (k.version ? ` · ${k.version}` : "");
  const mem = k.memory || {};
  if (mem.total_bytes) {
    document.getElementById("memory-used").style.width = `${(100 * mem.used_bytes / mem.total_bytes).toFixed(1)}%`;
    document.getElementById("memory-text").textContent = `${human(mem.used_bytes)}B used of ${human(mem.total_bytes)}B, ${human(mem.free_bytes)}B free`;
  }
  fillTable("processes", (k.processes || []).map(p => [p.id, p.name, p.state, p.threads, p.pages]));
  const evo = k.evolution || {};
  document.getElementById("evolution").replaceChildren(...Object.entries(evo).map(([name, v]) =>
    el("div", {}, el("b", {}, typeof v === "number" ? human(v) : String(v)), name.replace(/_/g, " "))));
  const audit = k.audit || {};
  const chain = document.getElementById("chain");
  chain.textContent = audit.chain ? `audit chain ${audit.chain}, ${audit.records} records` : "";
  chain.style.color = audit.chain === "intact" ? "var(--good)" : "var(--bad)";
  document.getElementById("timeline").replaceChildren(...(k.timeline || []).slice().reverse().map(r =>
    el("li", {}, `#${r.sequence} ${r.kind || ""} ${r.actor || ""}${r.patch ? " patch " + r.patch : ""}: ${r.detail || ""}`)));
}

function updateNetwork(n) {
  const rows = n ? [["address", n.address], ["gateway", n.gateway], ...Object.entries(n.counters || {})] : [["network", "no device"]];
  document.getElementById("network").replaceChildren(...rows.map(r => el("tr", {}, el("td", {}, r[0]), el("td", {}, String(r[1])))));
  document.getElementById("address").textContent = n ? n.address : "";
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const response = await fetch("/api/state", { cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const s = await response.json();
    const now = Date.now();
    updateKernel(s.kernel);
    updateMetrics((s.kernel && s.kernel.metrics) || [], now);
    updateNetwork(s.network);
    state.updates++;
    state.last = s;
    status.textContent = s.kernel ? "live" : "live (no kernel snapshot)";
    status.className = "pill ok";
  } catch (e) {
    status.textContent = `unreachable: ${e.message}`;
    status.className = "pill bad";
  }
  setTimeout(refresh, PERIOD_MS);
}

refresh();
