// Track applications and cases step by step, like a parcel; rate a connected application.
import * as api from "../api.js";
import { $, errorNotice, facts, fmtTime, fmtWatts, frame, guard, h, notice, param, replace } from "../ui.js";
import { evidence, powerEvents, powerStatus, ratingForm, stage, stageStepper, steps, waiting } from "../views.js";

const main = $("#main");
frame("办件进度");
const me = guard(main, ["holder", "power"]);
const id = param("application");
if (me && id) await one(id);
else if (me && me.kind === "staff") location.replace("staff-power.html");
else if (me) await all();

async function one(appId) {
  const path = `/v1/applications/${encodeURIComponent(appId)}`;
  let last = "";
  let timer = null;
  const view = h("div", { id: "application-view" });
  const rateOut = h("div", { id: "rate-result", "aria-live": "polite" });
  replace(main, h("p", {}, h("a", { href: me.kind === "staff" ? "staff-power.html" : "track.html" }, "← 返回")), view, rateOut);

  async function load() {
    let app;
    let line;
    try {
      [app, line] = await Promise.all([api.get("power", path), api.get("power", `${path}/timeline`)]);
    } catch (error) {
      clearInterval(timer);
      replace(view, h("h1", {}, "办件进度"), errorNotice(error));
      return;
    }
    const print = JSON.stringify([app, line.events.length]);
    if (print === last) return;
    last = print;
    if (app.status === "connected") clearInterval(timer);
    replace(view,
      h("h1", {}, app.matter_name, " ", powerStatus(app.status)),
      h("section", { class: "card" }, facts([
        ["申请编号", h("code", {}, app.application_id)],
        ["申请人", app.applicant.name],
        ["用电地点", app.unit_code ? h("code", {}, app.unit_code) : app.address ? app.address.text : "—"],
        ["申请容量", fmtWatts(app.requested_capacity_w)],
        ["提交时间", fmtTime(app.submitted_at)],
        app.completed_at ? ["接电时间", fmtTime(app.completed_at)] : null,
        app.steps_overdue ? ["超时环节", `${app.steps_overdue} 个`] : null,
      ])),
      h("section", { class: "card" }, h("h2", {}, "办理环节"), steps(line)),
      evidence(app),
      h("section", { class: "card" }, h("h2", {}, "办理记录"), powerEvents(line.events)),
      rating(app),
    );
  }

  function rating(app) {
    if (app.evaluation) {
      return h("section", { class: "card", id: "evaluation" }, h("h2", {}, "服务评价"),
        h("p", {}, "您的评价：", h("strong", {}, app.evaluation.grade_name), app.evaluation.comment ? `（${app.evaluation.comment}）` : ""),
        app.rectification ? notice("info", `已启动整改（编号 ${app.rectification.rectification_id}），${app.rectification.due_date} 前完成。`) : null);
    }
    if (app.status !== "connected" || me.kind === "staff") return null;
    return ratingForm("您对本次办电服务满意吗？", rateOut, async (grade, comment) => {
      await api.post("power", `${path}/evaluation`, { grade, comment });
      replace(rateOut, notice("ok", "感谢您的评价！"));
      last = "";
      await load();
    });
  }

  await load();
  timer = setInterval(load, 3000);
}

async function all() {
  const list = h("div", { id: "all-items" });
  replace(main, h("h1", {}, "办件进度"), list);
  try {
    const [{ applications }, { cases }] = await Promise.all([
      api.get("power", "/v1/me/applications"),
      api.get("realestate", "/v1/me/cases"),
    ]);
    const items = [
      ...applications.map((a) => h("div", { class: "card", dataset: { application: a.application_id } },
        h("h3", {}, "办电 · ", a.matter_name, " ", powerStatus(a.status)),
        h("ol", { class: "stepper" }, a.steps.map((s) => h("li", { class: s.state === "pending" ? "" : s.state === "done" ? "done" : "current" }, s.step_name))),
        h("p", { class: "muted" }, h("code", {}, a.application_id), ` · ${fmtTime(a.submitted_at)}`),
        h("a", { href: `track.html?application=${encodeURIComponent(a.application_id)}` }, "查看详情"))),
      ...cases.map((c) => h("div", { class: "card", dataset: { case: c.case_id } },
        h("h3", {}, "二手房过户 · ", stage(c.stage)),
        stageStepper(c),
        waiting(c),
        h("p", { class: "muted" }, h("code", {}, c.case_id)),
        h("a", { href: `case.html?id=${encodeURIComponent(c.case_id)}` }, "查看详情"))),
    ];
    replace(list, items.length ? items : h("p", { class: "muted" }, "暂无办件。"));
  } catch (error) {
    replace(list, errorNotice(error));
  }
}
