// The shared queue of joint real-estate + tax cases (一窗办事): filter, claim, decide.
import * as api from "../api.js";
import * as session from "../session.js";
import { CHECKS, DEPARTMENTS, STAGES } from "../labels.js";
import { $, busy, errorNotice, fmtDuration, fmtTime, frame, guard, h, notice, replace } from "../ui.js";
import { stage } from "../views.js";

const main = $("#main");
frame("共享队列");
const me = guard(main, ["estate"]);
if (me) render();

function render() {
  const label = session.staffLabel(me);
  const result = h("div", { id: "queue-result", "aria-live": "polite" });
  const list = h("div", { id: "queue" });
  const department = h("select", { id: "f-department" },
    h("option", { value: "" }, "全部"),
    h("option", { value: "realestate" }, "等待不动产登记中心"),
    h("option", { value: "tax" }, "等待税务局"),
    h("option", { value: "citizen" }, "等待申请人"));
  const city = h("input", { type: "text", id: "f-city", maxlength: 6, placeholder: "如 370100", inputmode: "numeric" });
  const stageSelect = h("select", { id: "f-stage" }, h("option", { value: "" }, "全部"),
    ["awaiting_confirmation", "in_review", "referred", "awaiting_assessment", "awaiting_payment", "registering"].map((s) => h("option", { value: s }, STAGES[s][0])));
  const filters = h("form", { id: "filters", class: "card", novalidate: true },
    h("div", { class: "grid three" },
      h("div", { class: "field" }, h("label", { for: "f-department" }, "部门"), department),
      h("div", { class: "field" }, h("label", { for: "f-city" }, "城市", h("span", { class: "hint" }, "（行政区划代码）")), city),
      h("div", { class: "field" }, h("label", { for: "f-stage" }, "阶段"), stageSelect)),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "f-apply" }, "筛选 / 刷新")));
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  replace(main,
    h("h1", {}, "共享队列"),
    h("p", { class: "muted" }, `不动产登记中心和税务局共用的窗口队列；您看到的是辖区 ${me.region} 内的在办案件，等待最久的在前。`),
    filters, result, list);

  async function load() {
    const query = new URLSearchParams();
    if (department.value) query.set("department", department.value);
    if (city.value.trim()) query.set("city", city.value.trim());
    if (stageSelect.value) query.set("stage", stageSelect.value);
    let answer;
    try {
      answer = await api.get("realestate", `/v1/queue${query.size ? `?${query}` : ""}`);
    } catch (error) {
      replace(list, errorNotice(error));
      return;
    }
    replace(list,
      h("p", { id: "queue-count" }, `共 ${answer.count} 件`),
      answer.cases.length ? answer.cases.map(item) : h("p", { class: "muted" }, "没有符合条件的案件。"));
  }

  function item(c) {
    const mine = c.claimed_by && c.claimed_by.staff === label;
    const forMe = c.stage === "referred" && c.waiting_on === me.department;
    const parts = [];
    if (forMe && !c.claimed_by) {
      const claim = h("button", { type: "button", class: "claim" }, "认领");
      claim.addEventListener("click", () => busy(claim, result, async () => {
        await api.post("realestate", `/v1/cases/${encodeURIComponent(c.case_id)}/claim`);
        replace(result, notice("ok", `已认领 ${c.case_id}。`));
        await load();
      }));
      parts.push(claim);
    } else if (forMe && mine) {
      const note = h("textarea", { class: "note", maxlength: 500, placeholder: "审核意见（必填，会显示在办理记录中）" });
      const decision = h("select", { class: "decision" }, h("option", { value: "pass" }, "通过"), h("option", { value: "reject" }, "驳回"));
      const decide = h("button", { type: "button", class: "decide" }, "提交决定");
      decide.addEventListener("click", () => busy(decide, result, async () => {
        await api.post("realestate", `/v1/cases/${encodeURIComponent(c.case_id)}/decision`, { decision: decision.value, note: note.value.trim() });
        replace(result, notice("ok", `已对 ${c.case_id} 作出决定：${decision.value === "pass" ? "通过" : "驳回"}。`));
        await load();
      }));
      decision.setAttribute("aria-label", "决定");
      note.setAttribute("aria-label", "意见");
      parts.push(h("div", { class: "decision-form" },
        h("p", { class: "muted" }, "已由我认领，请作出决定："),
        h("div", { class: "field" }, h("label", {}, "决定"), decision),
        h("div", { class: "field" }, h("label", {}, "意见"), note),
        decide));
    } else if (c.claimed_by) {
      parts.push(h("p", { class: "muted" }, `已由 ${c.claimed_by.staff} 认领`));
    }
    if (c.tax === "manual_pending" && me.department === "tax") {
      parts.push(h("a", { class: "button manual-link", href: `staff-tax.html?case=${encodeURIComponent(c.case_id)}` }, "人工核定税费"));
    }
    return h("section", { class: "card queue-item", dataset: { case: c.case_id, stage: c.stage } },
      h("h3", {}, h("a", { href: `case.html?id=${encodeURIComponent(c.case_id)}` }, c.case_id), " ", stage(c.stage)),
      h("p", {}, "等待：", h("strong", {}, DEPARTMENTS[c.waiting_on] || c.waiting_on),
        " · 已等待 ", h("strong", { class: "waited" }, fmtDuration(c.waiting_seconds)), `（自 ${fmtTime(c.waiting_since)}）`),
      h("p", { class: "muted" }, `单元 ${c.unit_code} · 城市 ${c.city} · 区县 ${c.county}`),
      c.findings && c.findings.length
        ? h("ul", { class: "plain" }, c.findings.map((f) => h("li", {}, h("strong", {}, CHECKS[f.check] || f.check), f.detail ? `：${f.detail}` : "")))
        : null,
      parts.length ? h("div", { class: "actions stacked" }, parts) : null);
  }

  load();
}
