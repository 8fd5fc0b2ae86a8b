// One transfer case: progress, confirmation, the itemised bill, one payment, the result.
import * as api from "../api.js";
import * as session from "../session.js";
import { BILL_STATUS, CHANNELS } from "../labels.js";
import { $, busy, chip, errorNotice, facts, fmtFen, frame, guard, h, notice, param, randomId, replace } from "../ui.js";
import { bill, caseFacts, caseTimeline, findings, stage, stageStepper, waiting } from "../views.js";

const main = $("#main");
frame("过户案件");
const me = guard(main, ["holder", "estate"]);
const caseId = param("id") || "";
const path = `/v1/cases/${encodeURIComponent(caseId)}`;
const OPEN = ["awaiting_confirmation", "in_review", "referred", "awaiting_assessment", "awaiting_payment", "registering"];

if (me) {
  const view = h("div", { id: "case-view" });
  const result = h("div", { id: "action-result", "aria-live": "polite" });
  replace(main, h("p", {}, h("a", { href: me.kind === "staff" ? "staff-queue.html" : "transfer.html" }, "← 返回")), result, view);
  let last = "";
  let timer = null;

  const load = async () => {
    let c;
    let b = null;
    try {
      c = await api.get("realestate", path);
      if (c.assessment_id) b = await api.get("tax", `${path}/assessment`);
    } catch (error) {
      clearInterval(timer);
      replace(view, h("h1", {}, "过户案件"), errorNotice(error));
      return;
    }
    const print = JSON.stringify([c.stage, c.timeline.length, c.assessment_id, b && b.status, c.claimed_by]);
    if (print === last) return;
    last = print;
    if (!OPEN.includes(c.stage)) clearInterval(timer);
    render(c, b);
  };

  const myRole = (c) => (me.kind === "staff" ? null : c.seller.id === me.subject ? "seller" : c.buyer.id === me.subject ? "buyer" : null);
  const roleName = { seller: "卖方", buyer: "买方" };

  function party(c, role) {
    const p = c[role];
    return [roleName[role], h("span", {}, p.name, `（${p.id}）`, myRole(c) === role ? " · 我" : "")];
  }

  function actions(c) {
    const role = myRole(c);
    const parts = [];
    if (c.stage === "awaiting_confirmation" && role) {
      if (role !== c.applied_by) {
        const button = h("button", { type: "button", id: "confirm" }, "确认申请");
        button.addEventListener("click", () => busy(button, result, async () => {
          await api.post("realestate", `${path}/confirmation`);
          replace(result, notice("ok", "已确认。系统正在核验产权、查封和身份，请稍候。"));
          await load();
        }));
        parts.push(h("p", {}, `${roleName[c.applied_by]}已提交申请，请核对信息无误后确认。`), h("div", { class: "actions" }, button));
      } else {
        parts.push(notice("info", `已提交，等待${roleName[c.other_party || (c.applied_by === "seller" ? "buyer" : "seller")]}确认。请把案件编号告诉对方。`));
      }
    }
    if (role && OPEN.includes(c.stage) && c.stage !== "registering") {
      const reason = h("input", { type: "text", id: "withdraw-reason", maxlength: 200, placeholder: "例如：双方协商解除" });
      const button = h("button", { type: "button", id: "withdraw", class: "secondary" }, "撤回申请");
      button.addEventListener("click", () => busy(button, result, async () => {
        await api.post("realestate", `${path}/withdrawal`, { reason: reason.value.trim() });
        replace(result, notice("ok", "已撤回。"));
        await load();
      }));
      parts.push(h("details", {}, h("summary", {}, "撤回申请"), h("div", { class: "field" }, h("label", { for: "withdraw-reason" }, "撤回原因"), reason), h("div", { class: "actions" }, button)));
    }
    return parts.length ? h("section", { class: "card", id: "actions" }, h("h2", {}, "需要我办理"), parts) : null;
  }

  function payment(c, b) {
    if (!b || !b.assessment) return null;
    const paid = b.status === "paid" || c.payment_id;
    const parts = [
      h("h2", {}, "税费缴款单 ", chip(BILL_STATUS[b.status] || [b.status, "muted"])),
      bill(b),
    ];
    if (paid) {
      parts.push(notice("ok", "已一次缴清（缴款编号 ", h("code", {}, c.payment_id || b.cleared_payment_id || ""), "），系统已自动分账到各税种和登记费账户。"));
    } else if (myRole(c) && c.stage === "awaiting_payment") {
      const assessmentId = b.assessment.assessmentId;
      const channel = h("select", { id: "channel" }, CHANNELS.map(([v, t]) => h("option", { value: v }, t)));
      const button = h("button", { type: "button", id: "pay" }, `一次缴清 ${fmtFen(b.total_fen)}`);
      button.addEventListener("click", () => busy(button, result, async () => {
        // One payment id per bill, kept for this session: a retry (double click, lost
        // answer) is the same payment, which the tax service applies once.
        const key = `pay:${caseId}:${assessmentId}`;
        let paymentId = session.recall(key);
        if (!paymentId) {
          paymentId = `PT-${randomId()}`;
          session.remember(key, paymentId);
        }
        const reply = await api.post("tax", `${path}/payments`, {
          payment_id: paymentId,
          assessment_id: assessmentId,
          amount_fen: Number(b.total_fen),
          channel: channel.value,
        });
        replace(result, notice("ok", `缴款成功：${fmtFen(b.total_fen)}（缴款编号 ${reply.payment_id}）。正在登簿，请稍候。`));
        await load();
      }));
      parts.push(h("div", { class: "field" }, h("label", { for: "channel" }, "支付方式"), channel), h("div", { class: "actions" }, button));
    }
    return h("section", { class: "card", id: "bill" }, parts);
  }

  function outcome(c) {
    if (c.stage === "completed") {
      const buyer = myRole(c) === "buyer";
      return notice("ok", h("strong", {}, "登簿完成。"), ` 登记编号 ${c.registration_number}。`,
        buyer ? ["新的电子不动产权证书已签发给您：", h("a", { href: "certificates.html", id: "new-certificate-link" }, "查看我的证照")] : "卖方原证书已注销。");
    }
    if (c.stage === "rejected") return notice("error", h("strong", {}, "审核未通过。"), " 原因见下方“未通过的原因”。");
    if (c.stage === "withdrawn") return notice("info", "该申请已撤回。");
    return null;
  }

  function render(c, b) {
    replace(view,
      h("h1", {}, "二手房转移登记 ", stage(c.stage)),
      h("p", {}, "案件编号 ", h("code", { id: "case-id" }, c.case_id)),
      outcome(c),
      stageStepper(c),
      waiting(c),
      actions(c),
      h("section", { class: "card" }, h("h2", {}, "案件信息"), facts([party(c, "seller"), party(c, "buyer"), ...caseFacts(c),
        c.seller_certificate ? ["卖方证书", h("code", {}, c.seller_certificate.certificate_id)] : null,
        c.claimed_by ? ["认领人", `${c.claimed_by.staff}（${c.claimed_by.department === "tax" ? "税务局" : "不动产登记中心"}）`] : null])),
      findings(c),
      payment(c, b),
      h("section", { class: "card" }, h("h2", {}, "办理记录"), caseTimeline(c)),
    );
  }

  await load();
  timer = setInterval(load, 2000);
}
