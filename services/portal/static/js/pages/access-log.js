// Who used my data, when, for which matter and purpose, on which legal basis.
import * as api from "../api.js";
import { CERTIFICATE_FIELDS, CERTIFICATE_TYPES, DATA_USES, DENIALS, MATTERS } from "../labels.js";
import { $, chip, errorNotice, facts, fmtTime, frame, guard, h, replace } from "../ui.js";

const main = $("#main");
frame("用数记录");
const me = guard(main, ["holder"]);
if (me) await render();

function caseLink(id) {
  if (!id) return "—";
  if (id.startsWith("PA-")) return h("a", { href: `track.html?application=${encodeURIComponent(id)}` }, id);
  if (id.startsWith("RE-")) return h("a", { href: `case.html?id=${encodeURIComponent(id)}` }, id);
  return h("code", {}, id);
}

async function render() {
  const list = h("div", { id: "access-log" });
  replace(main,
    h("h1", {}, "用数记录"),
    h("p", { class: "muted" }, "每一次部门使用（或被拒绝使用）您的证照数据，都会记录在这里：谁、何时、办什么事、依据哪条规定、用了哪些字段。"),
    list);
  let entries;
  const matters = { ...MATTERS };
  try {
    const [log, power] = await Promise.all([
      api.get("certificates", "/v1/me/access-log"),
      api.get("power", "/v1/matters").catch(() => ({ matters: [] })),
    ]);
    entries = log.entries;
    for (const m of power.matters) matters[`power.${m.code}`] = `办电：${m.name}`;
  } catch (error) {
    replace(list, errorNotice(error));
    return;
  }
  if (!entries.length) {
    replace(list, h("p", { class: "muted" }, "暂无记录：还没有部门使用过您的数据。"));
    return;
  }
  replace(list, entries.map((e) =>
    h("section", { class: "card access", dataset: { outcome: e.outcome, case: e.case_id } },
      h("h3", {}, e.requester.name || e.requester.id, " ", chip(e.outcome === "denied" ? ["已拒绝", "bad"] : ["已使用", "info"])),
      facts([
        ["时间", fmtTime(e.when)],
        ["使用方", `${e.requester.name || ""}（${e.requester.id || ""}）`],
        e.actor && (e.actor.personName || e.actor.systemId)
          ? ["经办人", e.actor.personName || `系统 ${e.actor.systemId}`] : null,
        // An issuer's own read ("used") has a use, not a catalog matter.
        ["事项", e.use ? DATA_USES[e.use] || e.use : matters[e.matter] || e.matter],
        ["用途", e.purpose || "—"],
        ["法律依据", e.legal_basis || "—"],
        ["关联办件", caseLink(e.case_id)],
        e.data_described ? ["使用的数据", e.data_described] : null,
        e.certificates && !e.data_described ? ["使用的数据", e.certificates.length
          ? h("ul", { class: "plain" }, e.certificates.map((c) => h("li", {}, CERTIFICATE_TYPES[c.typeCode] || c.typeCode, "：", h("code", {}, c.certificateId))))
          : "无"] : null,
        e.certificates ? null : ["使用的数据", e.released.length
          ? h("ul", { class: "plain" }, e.released.map((r) => h("li", {}, CERTIFICATE_TYPES[r.type_code] || r.type_code, "：",
              r.fields.length ? r.fields.map((f) => CERTIFICATE_FIELDS[f] || f).join("、") : "未提供字段（未找到）")))
          : "无"],
        e.outcome === "denied" ? ["拒绝原因", `${DENIALS[e.denial] || e.denial || ""} ${e.detail || ""}`] : null,
      ])),
  ));
}
