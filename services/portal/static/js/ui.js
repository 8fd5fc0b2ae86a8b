// DOM helpers, formats and the page frame (top bar, menu, sign-out). Pages build their
// content with h() (textContent only, never innerHTML), so data can never become markup.
import * as session from "./session.js";
import { describe } from "./errors.js";
import { DEPARTMENTS, KINDS } from "./labels.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

// --- formats ------------------------------------------------------------------------

const TIME = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

export function fmtTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : TIME.format(d);
}

export function fmtDate(value) {
  if (!value) return "长期";
  if (typeof value === "string") return value;
  const pad = (n) => String(n).padStart(2, "0");
  return `${value.year}-${pad(value.month)}-${pad(value.day)}`;
}

export function fmtFen(fen) {
  const n = Number(fen || 0);
  const sign = n < 0 ? "-" : "";
  const abs = Math.abs(n);
  const yuan = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, "0")}`;
}

export function fmtArea(hundredths) {
  const n = Number(hundredths || 0);
  return `${Math.floor(n / 100)}.${String(n % 100).padStart(2, "0")} ㎡`;
}

export function fmtWatts(w) {
  const n = Number(w || 0);
  return n >= 1000 ? `${(n / 1000).toLocaleString("zh-CN")} 千瓦` : `${n} 瓦`;
}

export function fmtRate(ppm) {
  const n = Number(ppm || 0);
  return `${(n / 10000).toLocaleString("zh-CN", { maximumFractionDigits: 4 })}%`;
}

export function fmtDuration(seconds) {
  let s = Math.max(0, Math.floor(Number(seconds || 0)));
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  if (days) return `${days} 天 ${hours} 小时`;
  if (hours) return `${hours} 小时 ${minutes} 分钟`;
  if (minutes) return `${minutes} 分钟`;
  return "不到 1 分钟";
}

export function mask(id) {
  const v = String(id || "");
  if (v.length <= 8) return v;
  return v.slice(0, 4) + "*".repeat(v.length - 8) + v.slice(-4);
}

// "1234.5" (yuan) -> 123450 (fen), exactly: money never goes through a float.
export function parseHundredths(text) {
  const m = /^\s*(\d{1,13})(?:\.(\d{1,2}))?\s*$/.exec(String(text));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || "").padEnd(2, "0"));
}

export function today() {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  return parts; // YYYY-MM-DD
}

// --- pieces ---------------------------------------------------------------------------

export function chip(pair, fallback = "") {
  const [text, tone] = Array.isArray(pair) ? pair : [pair || fallback, "muted"];
  return h("span", { class: `chip ${tone}` }, text);
}

export function facts(rows) {
  return h(
    "dl",
    { class: "facts" },
    rows.filter(Boolean).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "—")]),
  );
}

export function notice(tone, ...children) {
  return h("div", { class: `notice ${tone}`, role: tone === "error" ? "alert" : "status" }, children);
}

export function errorNotice(error) {
  const d = describe(error);
  const lines = [];
  if (d.fieldLabel) lines.push(h("div", { class: "detail" }, "字段：", d.fieldLabel, d.field && d.field !== d.fieldLabel ? [" ", h("code", {}, d.field)] : null));
  if (d.text) lines.push(h("div", { class: "detail" }, "原因：", d.text));
  if (d.reason) lines.push(h("div", { class: "detail" }, "说明：", h("code", {}, d.reason)));
  for (const [k, v] of d.extra) lines.push(h("div", { class: "detail" }, `${k}：`, v));
  if (d.status === 401) lines.push(h("div", { class: "detail" }, h("a", { href: "index.html" }, "重新登录")));
  return notice("error", h("strong", { class: "title" }, d.title), lines);
}

export function showError(container, error) {
  replace(container, errorNotice(error));
  container.scrollIntoView?.({ block: "nearest" });
}

// Disable a button while `work` runs; errors go to `out`.
export async function busy(button, out, work) {
  button.disabled = true;
  const label = button.textContent;
  button.textContent = "处理中…";
  try {
    if (out) replace(out);
    return await work();
  } catch (error) {
    if (out) showError(out, error);
    else console.error(error);
    return undefined;
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

// --- the frame ------------------------------------------------------------------------

const PAGES = {
  holder: [
    ["index.html", "首页"],
    ["power.html", "办电"],
    ["transfer.html", "二手房过户"],
    ["track.html", "办件进度"],
    ["certificates.html", "我的证照"],
    ["access-log.html", "用数记录"],
  ],
  estate: [
    ["index.html", "首页"],
    ["staff-queue.html", "共享队列"],
    ["staff-tax.html", "人工核定"],
  ],
  power: [
    ["index.html", "首页"],
    ["staff-power.html", "供电环节"],
  ],
  none: [["index.html", "登录"]],
};

export function audience(p) {
  if (!p) return "none";
  if (p.kind === "citizen" || p.kind === "enterprise") return "holder";
  if (p.kind === "staff" && (p.department === "realestate" || p.department === "tax")) return "estate";
  if (p.kind === "staff" && p.department === "power") return "power";
  return "none";
}

export function whoText(p) {
  if (!p) return "未登录";
  if (p.kind === "staff") {
    return `${DEPARTMENTS[p.department] || p.department} · ${p.name || p.subject}（工号 ${p.subject}，辖区 ${p.region}）`;
  }
  return `${KINDS[p.kind] || p.kind} · ${p.name || "未填写名称"}（${mask(p.subject)}）`;
}

export function frame(title) {
  const p = session.principal();
  document.title = `${title} · 政务服务门户`;
  const here = location.pathname.split("/").pop() || "index.html";
  const top = h(
    "header",
    { class: "topbar" },
    h(
      "div",
      { class: "row" },
      h("a", { class: "brand", href: "index.html" }, "政务服务门户 · 无证明办事"),
      h(
        "div",
        { class: "who" },
        h("span", { id: "who" }, whoText(p)),
        p ? h("button", { type: "button", id: "sign-out", onclick: signOut }, "退出") : null,
      ),
    ),
  );
  const nav = h(
    "nav",
    { class: "menu", "aria-label": "主菜单" },
    PAGES[audience(p)].map(([href, text]) =>
      h("a", { href, "aria-current": href === here ? "page" : null }, text),
    ),
  );
  document.body.prepend(top, nav);
  return p;
}

export function signOut() {
  session.end();
  location.replace("index.html?signed-out=1");
}

// The page is for `allowed` audiences only; otherwise say so (or go sign in).
export function guard(main, allowed) {
  const p = session.principal();
  if (!p) {
    const next = encodeURIComponent(location.pathname.split("/").pop() + location.search);
    location.replace(`index.html?next=${next}`);
    return null;
  }
  if (!allowed.includes(audience(p))) {
    replace(main, notice("error", h("strong", {}, "此页面不适用于当前身份"), h("div", { class: "detail" }, "请", h("a", { href: "index.html" }, "返回首页"), "或切换身份。")));
    return null;
  }
  return p;
}

export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

// A random id for idempotency keys (crypto.randomUUID needs a secure context; this not).
export function randomId(length = 20) {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"[b % 34]).join("");
}
