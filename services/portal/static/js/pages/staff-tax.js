// Tax window staff: the cases whose bill the engine could not compute (人工核定), and
// the assessment by hand: the lines, the legal basis and a second staff member who
// reviewed it (never the assessor). Submitted to tax's manual-assessment route.
import * as api from "../api.js";
import { LINE_KINDS } from "../labels.js";
import { $, busy, errorNotice, fmtFen, fmtTime, frame, guard, h, notice, param, parseHundredths, replace } from "../ui.js";

const main = $("#main");
frame("人工核定");
const me = guard(main, ["estate"]);
if (me && me.department !== "tax") {
  replace(main, h("h1", {}, "人工核定"), notice("error", h("strong", {}, "仅税务局窗口人员可以人工核定税费。"), h("div", { class: "detail" }, h("a", { href: "staff-queue.html" }, "返回共享队列"))));
} else if (me) {
  render();
}

// The engine's names of the line kinds ("deed_tax") with their Chinese names.
const KINDS = Object.entries(LINE_KINDS).map(([k, text]) => [k.replace(/^LINE_KIND_/, "").toLowerCase(), text]);

function render() {
  const result = h("div", { id: "manual-result", "aria-live": "polite" });
  const list = h("div", { id: "manual-cases" });
  const refresh = h("button", { type: "button", id: "refresh", class: "secondary" }, "刷新");
  refresh.addEventListener("click", () => load());
  replace(main,
    h("h1", {}, "人工核定"),
    h("p", { class: "muted" }, `系统无法自动计算税费的案件（辖区 ${me.region}）。请逐项核定税费，写明法律依据，并由另一名工作人员复核。`),
    h("div", { class: "actions" }, refresh),
    result, list);

  async function load() {
    let answer;
    try {
      answer = await api.get("tax", "/v1/manual-assessments");
    } catch (error) {
      replace(list, errorNotice(error));
      return;
    }
    const wanted = param("case");
    const cases = wanted ? [...answer.cases].sort((a, b) => (b.case_id === wanted) - (a.case_id === wanted)) : answer.cases;
    replace(list,
      h("p", { id: "manual-count" }, `共 ${answer.count} 件待核定`),
      cases.length ? cases.map(item) : h("p", { class: "muted" }, "没有待人工核定的案件。"));
  }

  function lineRow() {
    const kind = h("select", { class: "line-kind", "aria-label": "税费项目" }, KINDS.map(([code, text]) => h("option", { value: code }, text)));
    const payer = h("select", { class: "line-payer", "aria-label": "缴款人" }, h("option", { value: "buyer" }, "买方"), h("option", { value: "seller" }, "卖方"));
    const amount = h("input", { type: "text", class: "line-amount", inputmode: "decimal", maxlength: 16, placeholder: "金额（元）", "aria-label": "金额（元）" });
    const source = h("input", { type: "text", class: "line-source", maxlength: 200, placeholder: "条款（选填）", "aria-label": "条款" });
    const remove = h("button", { type: "button", class: "secondary remove-line" }, "删除");
    const row = h("div", { class: "grid two manual-line" }, kind, payer, amount, source, remove);
    remove.addEventListener("click", () => row.remove());
    return row;
  }

  function item(c) {
    const lines = h("div", { class: "manual-lines" }, lineRow());
    const add = h("button", { type: "button", class: "secondary add-line" }, "添加一项");
    add.addEventListener("click", () => lines.append(lineRow()));
    const basis = h("textarea", { class: "legal-basis", maxlength: 300, placeholder: "例如：税收征收管理法 第三十五条（核定征收）", "aria-label": "法律依据" });
    const reviewerId = h("input", { type: "text", class: "reviewer-id", maxlength: 64, "aria-label": "复核人工号" });
    const reviewerName = h("input", { type: "text", class: "reviewer-name", maxlength: 64, "aria-label": "复核人姓名" });
    const submit = h("button", { type: "button", class: "assess" }, "提交核定");
    submit.addEventListener("click", () => busy(submit, result, async () => {
      const body = { lines: [], legal_basis: basis.value.trim(), reviewer: { id: reviewerId.value.trim(), name: reviewerName.value.trim() } };
      for (const row of lines.querySelectorAll(".manual-line")) {
        const fen = parseHundredths($(".line-amount", row).value);
        if (fen === null) {
          replace(result, notice("error", h("strong", {}, "金额格式不正确"), h("div", { class: "detail" }, "请填写以元为单位的金额，最多两位小数。")));
          return;
        }
        const line = { kind: $(".line-kind", row).value, payer: $(".line-payer", row).value, amount_fen: fen };
        const source = $(".line-source", row).value.trim();
        if (source) line.legal_source = source;
        body.lines.push(line);
      }
      const after = await api.post("tax", `/v1/cases/${encodeURIComponent(c.case_id)}/manual-assessment`, body);
      replace(result, notice("ok", `已核定 ${c.case_id}：合计 ${fmtFen(after.total_fen)}，已通知当事人缴款。`));
      await load();
    }));
    return h("section", { class: "card manual-case", dataset: { case: c.case_id } },
      h("h3", {}, h("a", { href: `case.html?id=${encodeURIComponent(c.case_id)}` }, c.case_id)),
      h("p", { class: "muted" }, `单元 ${c.unit_code} · 提出于 ${fmtTime(c.required_at)}`),
      h("p", {}, "无法自动计算：", h("code", {}, c.field), `（${c.reason}）`),
      h("h4", {}, "核定的税费"),
      lines,
      h("div", { class: "actions" }, add),
      h("div", { class: "field" }, h("label", {}, "法律依据"), basis),
      h("div", { class: "grid two" },
        h("div", { class: "field" }, h("label", {}, "复核人工号"), reviewerId),
        h("div", { class: "field" }, h("label", {}, "复核人姓名"), reviewerName)),
      h("div", { class: "actions" }, submit));
  }

  load();
}
