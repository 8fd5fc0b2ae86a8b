// One transfer case: progress, confirmation, the itemised bill, one payment, the result.
// Paying opens a payment order at tax and sends the payer to the payment channel's
// cashier page (a bank's page; `make up` runs a development one), which sends them back
// here: the bill clears only when the channel confirms the money, never on our word.
import * as api from "../api.js";
import { BILL_STATUS, GRADES, ORDER_STATUS } from "../labels.js";
import { $, busy, chip, errorNotice, facts, fmtFen, frame, guard, h, notice, param, replace } from "../ui.js";
import { bill, caseFacts, caseTimeline, findings, ratingForm, stage, stageStepper, waiting } from "../views.js";

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
  let stageNow = "";

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
    const orders = b && b.orders ? Object.values(b.orders).map((o) => o.status) : [];
    const print = JSON.stringify([c.stage, c.timeline.length, c.assessment_id, b && b.status, orders, c.claimed_by]);
    if (print === last) return;
    last = print;
    stageNow = c.stage;
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
    const orders = Object.entries((b && b.orders) || {});
    const latest = orders.length ? orders[orders.length - 1] : null;
    const refunds = Object.values((b && b.refunds) || {});
    if (paid) {
      parts.push(notice("ok", "已一次缴清（缴款编号 ", h("code", {}, c.payment_id || b.cleared_payment_id || ""), "），支付通道已确认到账，系统已自动分账到各税种和登记费账户。"));
    }
    if (refunds.length) {
      parts.push(...refunds.map((r) => notice("info", `${fmtFen(r.amount_fen)} ${r.status === "refunded" ? "已原路退回" : "正在原路退回"}（${r.reason}）。`)));
    }
    if (!paid && myRole(c) && c.stage === "awaiting_payment") {
      if (latest && latest[1].status === "open") {
        // Back from the cashier page: the channel's word may still be on its way.
        parts.push(notice("info", `缴款订单 ${latest[0]} ${ORDER_STATUS.open}，支付完成后将自动更新（有效期至 ${new Date(latest[1].expires_at).toLocaleString("zh-CN")}）。`));
      } else if (latest && ORDER_STATUS[latest[1].status]) {
        parts.push(notice("info", `上一笔缴款订单${ORDER_STATUS[latest[1].status]}，可重新缴款。`));
      }
      const button = h("button", { type: "button", id: "pay" }, `一次缴清 ${fmtFen(b.total_fen)}`);
      button.addEventListener("click", () => busy(button, result, async () => {
        // Tax answers the open order again on a second press: one order per bill at a time.
        const order = await api.post("tax", `${path}/payment-orders`);
        replace(result, notice("info", `正在前往支付通道（订单 ${order.order_id}，${fmtFen(order.amount_fen)}）…`));
        const back = new URL(location.href);
        const target = new URL(order.cashier_url);
        target.searchParams.set("return", back.href);
        location.assign(target.href);
      }));
      parts.push(h("p", {}, "点击后将跳转到支付通道（银行收银台）完成支付；税费以支付通道的到账确认为准。"), h("div", { class: "actions" }, button));
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

  // 好差评: each party rates the completed case once; a bad grade opens a rectification.
  function rating(c) {
    const role = myRole(c);
    if (c.stage !== "completed" || !role) return null;
    const mine = c.evaluations[role];
    if (mine) {
      const grade = GRADES.find(([code]) => code.replace(/-/g, "_") === mine.grade);
      const fixing = Object.entries(c.rectifications).find(([id]) => id.endsWith(`-${role}`));
      const item = fixing ? fixing[1] : null;
      return h("section", { class: "card", id: "evaluation" }, h("h2", {}, "服务评价"),
        h("p", {}, "您的评价：", h("strong", { id: "my-grade" }, grade ? grade[1] : mine.grade), mine.comment ? `（${mine.comment}）` : ""),
        item && item.followed_up_at ? notice("ok", `整改已完成并已回访（${item.action}）。`)
          : item && item.completed_at ? notice("info", `整改已完成：${item.action}。工作人员将在 ${item.follow_up_due_date} 前回访您。`)
          : item ? notice("info", `已启动整改（编号 ${fixing[0]}），${item.due_date} 前完成。`) : null);
    }
    return ratingForm("您对本次二手房过户服务满意吗？", result, async (grade, comment) => {
      await api.post("realestate", `${path}/evaluation`, { grade, comment });
      replace(result, notice("ok", "感谢您的评价！"));
      last = "";
      await load();
    });
  }

  // Window staff close the loop of a bad grade: complete the rectification, then follow up
  // with the party (回访).
  function rectifying(c) {
    const open = Object.entries(c.rectifications).filter(([, r]) => !r.followed_up_at);
    if (me.kind !== "staff" || !me.roles.includes("window") || !open.length) return null;
    return h("section", { class: "card", id: "rectifications" }, h("h2", {}, "整改"), open.map(([id, r]) => {
      const url = `${path}/rectifications/${encodeURIComponent(id)}`;
      const text = h("textarea", { class: "rectification-text", maxlength: 500, "aria-label": r.completed_at ? "回访情况" : "整改措施" });
      const satisfied = h("input", { type: "checkbox", class: "party-satisfied" });
      const button = h("button", { type: "button", class: "rectify" }, r.completed_at ? "记录回访" : "整改完成");
      button.addEventListener("click", () => busy(button, result, async () => {
        const body = r.completed_at ? { party_satisfied: satisfied.checked, note: text.value.trim() } : { action: text.value.trim() };
        await api.post("realestate", `${url}/${r.completed_at ? "follow-up" : "completion"}`, body);
        replace(result, notice("ok", r.completed_at ? `已记录回访（${id}）。` : `整改已完成（${id}），请在期限内回访。`));
        last = "";
        await load();
      }));
      return h("div", { class: "rectification", dataset: { rectification: id } },
        h("p", {}, h("code", {}, id), `：${r.comment || "（无意见）"} · `, r.completed_at ? `整改措施：${r.action}；回访期限 ${r.follow_up_due_date}` : `整改期限 ${r.due_date}`),
        h("div", { class: "field" }, h("label", {}, r.completed_at ? "回访情况" : "整改措施"), text),
        r.completed_at ? h("label", { class: "inline" }, satisfied, "当事人认可整改") : null,
        h("div", { class: "actions" }, button));
    }));
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
      rating(c),
      rectifying(c),
      h("section", { class: "card" }, h("h2", {}, "办理记录"), caseTimeline(c)),
    );
  }

  await load();
  // A closed case changes no more, but for its rating: polling would redraw a form being filled.
  if (OPEN.includes(stageNow)) timer = setInterval(load, 2000);
}
