// Pieces several pages show: power evidence and steps, case progress, the tax bill, the
// rating form (好差评).
import {
  CALCULATIONS, CASE_STEPS, CHECKS, DEPARTMENTS, EVIDENCE_STATUS, GRADES, LINE_KINDS,
  POWER_EVENTS, POWER_STATUS, STAGE_ORDER, STAGES, STEP_STATE, label,
} from "./labels.js";
import { $, busy, chip, fmtArea, fmtDuration, fmtFen, fmtRate, fmtTime, h } from "./ui.js";

// --- rating (好差评) ---------------------------------------------------------------------

// The five grades and a comment; `send(grade, comment)` posts them (errors go to `out`).
export function ratingForm(question, out, send) {
  const form = h("form", { id: "rate-form", novalidate: true },
    h("fieldset", {}, h("legend", {}, question),
      GRADES.map(([code, text], i) => h("label", { class: "inline" }, h("input", { type: "radio", name: "grade", value: code, id: `grade-${code}`, checked: i === 0 }), text))),
    h("div", { class: "field" }, h("label", { for: "comment" }, "意见", h("span", { class: "hint" }, "（选填，500 字以内）")), h("textarea", { id: "comment", maxlength: 500 })),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "rate" }, "提交评价")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const grade = form.querySelector("input[name=grade]:checked").value;
    busy($("#rate", form), out, () => send(grade, $("#comment", form).value.trim()));
  });
  return h("section", { class: "card", id: "evaluation" }, h("h2", {}, "服务评价（好差评）"), form);
}

// --- power ----------------------------------------------------------------------------

export function powerStatus(status) {
  return chip(POWER_STATUS[status] || [status, "muted"]);
}

export function evidence(app) {
  const found = app.evidence_used.map((e) =>
    h("li", { class: "found", dataset: { type: e.type_code } },
      chip(EVIDENCE_STATUS.FOUND), " ", h("strong", {}, e.type_name),
      h("div", { class: "muted" }, "证照编号 ", h("code", {}, e.certificate_id), `，第 ${e.version} 版`)),
  );
  const uploads = app.uploads_used.map((u) =>
    h("li", {}, chip(["已补交材料", "info"]), " ", u.type_code, " ", h("code", {}, u.upload_ref)),
  );
  const missing = app.missing_evidence.map((m) =>
    h("li", { class: "missing", dataset: { type: m.type_code } },
      chip(EVIDENCE_STATUS[m.status] || [m.status, "bad"]), " ", h("strong", {}, m.type_name),
      m.detail ? h("div", { class: "muted" }, m.detail) : null),
  );
  const refresh = app.evidence_to_refresh.map((f) =>
    h("li", { class: "flagged" }, chip(["需更新", "warn"]), " ", h("strong", {}, f.type_name), h("div", { class: "muted" }, f.reason)),
  );
  return h("section", { class: "card", id: "evidence" },
    h("h2", {}, "证照核验"),
    app.evidence_free
      ? h("p", { class: "ok-text" }, "无需上传任何材料：所需证照均已从共享数据获取。")
      : app.missing_evidence.length
        ? h("p", {}, "以下证照在共享数据中没有找到，只需补充这些：")
        : null,
    h("ul", { class: "plain" }, found, uploads, missing, refresh),
  );
}

export function steps(view) {
  const items = view.steps.map((s) => {
    const classes = [s.state, s.overdue ? "overdue" : ""].join(" ").trim();
    return h("li", { class: classes, dataset: { step: s.step_code, state: s.state } },
      h("strong", {}, s.step_name), " ",
      chip(s.overdue ? ["已超时", "bad"] : [STEP_STATE[s.state] || s.state, s.state === "done" ? "ok" : s.state === "current" ? "info" : "muted"]),
      h("div", { class: "when" }, `时限 ${s.time_limit_working_days} 个工作日`,
        s.deadline ? `，截止 ${fmtTime(s.deadline)}` : ""),
      s.entered_at ? h("div", { class: "when" }, `开始 ${fmtTime(s.entered_at)}`, s.entered_by ? `（${actor(s.entered_by)}）` : "") : null,
      s.done_at ? h("div", { class: "when" }, `完成 ${fmtTime(s.done_at)}`, s.done_by ? `（${actor(s.done_by)}）` : "") : null,
    );
  });
  const skipped = (view.skipped_steps || []).map((s) =>
    h("li", { class: "skipped" }, s.step_name, h("div", { class: "when" }, "已提前完成，免于本环节（", s.why, "）")),
  );
  return h("ol", { class: "timeline", id: "steps" }, items, skipped);
}

export function actor(a) {
  if (!a) return "";
  if (a.kind === "system") return `${a.on_behalf_of || "系统"}（系统）`;
  return a.on_behalf_of && a.on_behalf_of !== a.name ? `${a.name}，${a.on_behalf_of}` : a.name;
}

export function powerEvents(events) {
  return h("ol", { class: "timeline", id: "events" },
    events.map((e) =>
      h("li", { class: "done" },
        h("strong", {}, label(POWER_EVENTS, e.what)),
        e.step_name ? `：${e.step_name}` : "",
        e.found && e.found.length ? `：${e.found.join("、")}` : "",
        e.missing && e.missing.length ? `：缺少 ${e.missing.join("、")}` : "",
        e.grade ? `：${e.grade}` : "",
        e.steps_taken ? `（共 ${e.steps_taken} 个环节）` : "",
        e.detail ? h("div", { class: "muted" }, e.detail) : null,
        h("div", { class: "when" }, fmtTime(e.at), e.by ? ` · ${actor(e.by)}` : "", e.deadline ? ` · 截止 ${fmtTime(e.deadline)}` : ""),
      ),
    ),
  );
}

// --- cases ----------------------------------------------------------------------------

export function stage(name) {
  return chip(STAGES[name] || [name, "muted"]);
}

export function stageStepper(c) {
  const order = [...STAGE_ORDER];
  const referred = c.review === "referred" || c.timeline.some((t) => t.step === "review_referred");
  if (referred) order.splice(2, 0, "referred");
  const closedBadly = c.stage === "rejected" || c.stage === "withdrawn";
  const at = order.indexOf(c.stage);
  return h("ol", { class: "stepper", id: "stages" },
    order.map((s, i) => {
      const cls = at < 0 ? (closedBadly ? "" : "done") : i < at ? "done" : i === at ? (s === "completed" ? "done" : "current") : "";
      return h("li", { class: cls, dataset: { stage: s } }, label(STAGES, s));
    }),
    closedBadly ? h("li", { class: "bad" }, label(STAGES, c.stage)) : null,
  );
}

export function waiting(c) {
  if (!c.waiting_on) return null;
  const seconds = (Date.now() - new Date(c.waiting_since).getTime()) / 1000;
  return h("p", { id: "waiting" },
    "正在等待：", h("strong", {}, DEPARTMENTS[c.waiting_on] || c.waiting_on),
    `（自 ${fmtTime(c.waiting_since)} 起，已等待 ${fmtDuration(seconds)}）`);
}

// The case timeline's "by" and "detail" texts come from the events; say them in Chinese.
export function byText(by) {
  const m = /^([^:]+(?::[a-z]+)?):\s*(.*)$/.exec(by || "");
  if (!m) return by || "";
  const [, role, name] = m;
  const who = { citizen: "居民", enterprise: "企业", system: "系统", "staff:realestate": "不动产登记中心窗口", "staff:tax": "税务局窗口" }[role] || role;
  const named = { tax: "税务局", certificates: "电子证照库", realestate: "不动产登记中心" }[name] || name;
  return `${who}：${named}`;
}

export function detailText(step, detail) {
  if (!detail) return "";
  let m;
  if (step === "applied" && (m = /^(seller|buyer) filed$/.exec(detail))) return m[1] === "seller" ? "由卖方提交" : "由买方提交";
  if ((step === "assessed" || step === "paid") && (m = /^(bill|payment) (\S+): (\d+) fen$/.exec(detail))) {
    return `${m[1] === "bill" ? "缴款单" : "缴款"} ${m[2]}：${fmtFen(m[3])}`;
  }
  if (/^[A-Z_]+(, [A-Z_]+)*$/.test(detail)) return detail.split(", ").map((c) => CHECKS[c] || c).join("、") + " —— 均已通过";
  return detail;
}

export function caseTimeline(c) {
  return h("ol", { class: "timeline", id: "case-timeline" },
    c.timeline.map((t) =>
      h("li", { class: "done", dataset: { step: t.step } },
        h("strong", {}, label(CASE_STEPS, t.step)),
        t.detail ? h("div", { class: "muted" }, detailText(t.step, t.detail)) : null,
        h("div", { class: "when" }, fmtTime(t.at), t.by ? ` · ${byText(t.by)}` : ""),
      ),
    ),
  );
}

export function findings(c) {
  if (!c.findings || !c.findings.length) return null;
  return h("section", { class: "card", id: "findings" },
    h("h2", {}, c.stage === "rejected" ? "未通过的原因" : "审核发现"),
    h("ul", { class: "plain" },
      c.findings.map((f) =>
        h("li", { dataset: { check: f.check } }, h("strong", {}, CHECKS[f.check] || f.check),
          f.detail ? h("div", { class: "muted" }, f.detail) : null),
      ),
    ),
  );
}

export function bill(b) {
  const a = b.assessment;
  if (!a) return h("p", { class: "muted" }, "税费尚未核定。");
  const rows = a.lines.map((line) =>
    h("tr", { dataset: { kind: line.kind } },
      h("td", { "data-label": "项目" }, h("strong", {}, LINE_KINDS[line.kind] || line.kind), line.explanation ? h("div", { class: "muted" }, line.explanation) : null),
      h("td", { "data-label": "缴纳方" }, line.payer ? line.payer.name : ""),
      h("td", { class: "num", "data-label": "计税依据" }, line.base ? fmtFen(line.base.fen) : "—"),
      h("td", { "data-label": "税率 / 计算" }, line.calculation === "CALCULATION_RATE" ? fmtRate(line.ratePpm)
        : line.calculation === "CALCULATION_FIXED" ? `${line.quantity || 1} × ${fmtFen(line.unitAmount ? line.unitAmount.fen : 0)}`
        : CALCULATIONS[line.calculation] || line.calculation),
      h("td", { class: "num amount", "data-label": "金额" }, fmtFen(line.amount ? line.amount.fen : 0)),
      h("td", { class: "muted", "data-label": "依据" }, line.legalSource || ""),
    ),
  );
  return h("div", { class: "table-wrap" },
    h("table", { id: "bill-lines", class: "stack" },
      h("thead", {}, h("tr", {}, ["项目", "缴纳方", "计税依据", "税率 / 计算", "金额", "依据"].map((t, i) => h("th", { class: i === 2 || i === 4 ? "num" : null }, t)))),
      h("tbody", {}, rows),
      h("tfoot", {}, h("tr", {}, h("td", { colspan: 4, class: "total-label" }, "合计（一次缴清）"), h("td", { class: "num", id: "bill-total", "data-label": "合计（一次缴清）" }, fmtFen(b.total_fen)), h("td", { class: "filler" }))),
    ),
    h("p", { class: "muted" }, `适用规则：${a.ruleSet}；缴款单号 `, h("code", {}, a.assessmentId), a.taxAuthority ? `；征收机关：${a.taxAuthority.name}` : ""),
  );
}

export function caseFacts(c) {
  return [
    ["不动产单元号", h("code", {}, c.unit_code)],
    ["成交价", fmtFen(c.price_fen)],
    ["建筑面积", fmtArea(c.area_hundredths_m2)],
    ["合同日期", c.contract_date],
  ];
}
