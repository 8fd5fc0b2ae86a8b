// Power-company staff: the applications of their region and the steps to advance.
import * as api from "../api.js";
import { POWER_STATUS } from "../labels.js";
import { $, busy, chip, errorNotice, fmtTime, fmtWatts, frame, guard, h, notice, replace } from "../ui.js";
import { powerStatus } from "../views.js";

const main = $("#main");
frame("供电环节");
const me = guard(main, ["power"]);
if (me) render();

function render() {
  const result = h("div", { id: "advance-result", "aria-live": "polite" });
  const list = h("div", { id: "applications" });
  const status = h("select", { id: "f-status" }, h("option", { value: "" }, "全部"),
    Object.entries(POWER_STATUS).map(([v, [t]]) => h("option", { value: v }, t)));
  const overdue = h("input", { type: "checkbox", id: "f-overdue" });
  const filters = h("form", { id: "filters", class: "card", novalidate: true },
    h("div", { class: "grid two" },
      h("div", { class: "field" }, h("label", { for: "f-status" }, "状态"), status),
      h("div", { class: "field" }, h("label", { class: "inline" }, overdue, "只看有超时环节的"))),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "f-apply" }, "筛选 / 刷新")));
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  replace(main,
    h("h1", {}, "供电环节"),
    h("p", { class: "muted" }, `辖区 ${me.region} 的办电申请；完成当前环节后进入下一环节，最后一个环节完成即接电。`),
    filters, result, list);

  async function load() {
    const query = new URLSearchParams();
    if (status.value) query.set("status", status.value);
    if (overdue.checked) query.set("overdue", "true");
    let answer;
    try {
      answer = await api.get("power", `/v1/staff/applications${query.size ? `?${query}` : ""}`);
    } catch (error) {
      replace(list, errorNotice(error));
      return;
    }
    replace(list, answer.applications.length ? answer.applications.map(item) : h("p", { class: "muted" }, "没有符合条件的申请。"));
  }

  function item(a) {
    const current = a.steps.find((s) => s.state === "current");
    const parts = [];
    if (current && a.status === "in-progress") {
      const next = a.steps[a.steps.indexOf(current) + 1];
      const button = h("button", { type: "button", class: "advance", dataset: { step: current.step_code } }, `完成「${current.step_name}」`);
      button.addEventListener("click", () => busy(button, result, async () => {
        const after = await api.post("power", `/v1/applications/${encodeURIComponent(a.application_id)}/advance`, { current_step: current.step_code });
        replace(result, notice("ok", `${a.application_id}：已完成「${current.step_name}」，`,
          after.status === "connected" ? "已接电。" : `进入「${next ? next.step_name : ""}」。`));
        await load();
      }));
      parts.push(button);
    }
    parts.push(h("a", { class: "button secondary", href: `track.html?application=${encodeURIComponent(a.application_id)}` }, "查看进度"));
    return h("section", { class: "card staff-application", dataset: { application: a.application_id, status: a.status } },
      h("h3", {}, a.matter_name, " ", powerStatus(a.status)),
      h("p", {}, h("code", {}, a.application_id), ` · ${a.applicant.name} · ${fmtWatts(a.requested_capacity_w)}`),
      h("p", { class: "muted" }, `地点 ${a.unit_code || (a.address ? a.address.text : "")} · 提交于 ${fmtTime(a.submitted_at)}`,
        a.evidence_free ? " · 零证办电" : ""),
      h("ol", { class: "stepper" }, a.steps.map((s) => h("li", { class: s.state === "done" ? "done" : s.state === "current" ? (s.overdue ? "bad" : "current") : "" }, s.step_name))),
      current ? h("p", {}, `当前环节「${current.step_name}」截止 ${fmtTime(current.deadline)} `, current.overdue ? chip(["已超时", "bad"]) : null) : null,
      a.missing_evidence.length ? h("p", { class: "muted" }, `待补充：${a.missing_evidence.map((m) => m.type_name).join("、")}`) : null,
      h("div", { class: "actions" }, parts));
  }

  load();
}
