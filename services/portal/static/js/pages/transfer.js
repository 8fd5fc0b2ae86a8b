// File a second-hand home transfer (the other party confirms); list my cases.
import * as api from "../api.js";
import { PROPERTY_TYPE } from "../labels.js";
import { $, busy, errorNotice, fmtDate, fmtFen, fmtTime, frame, guard, h, notice, parseHundredths, replace, today } from "../ui.js";
import { stage, waiting } from "../views.js";

const main = $("#main");
frame("二手房过户");
const me = guard(main, ["holder"]);
if (me) await render();

function field(id, text, input, hint = "") {
  return h("div", { class: "field" }, h("label", { for: id }, text, hint ? h("span", { class: "hint" }, hint) : null), input);
}

async function render() {
  let properties = [];
  try {
    const c = await api.get("certificates", "/v1/me/certificates?include_history=false");
    properties = c.certificates.filter((x) => x.typeCode === PROPERTY_TYPE && x.status === "CERTIFICATE_STATUS_ACTIVE");
  } catch (error) {
    replace(main, h("h1", {}, "二手房过户"), errorNotice(error));
    return;
  }
  const out = h("div", { id: "file-result", "aria-live": "polite" });
  const property = h("select", { id: "property" },
    properties.map((c) => h("option", { value: c.id }, `${c.fields.location || ""} · ${c.fields.unit_code}`)),
    h("option", { value: "" }, "手动填写"));
  const otherLegend = h("legend", {}, "对方（买方）");
  const form = h("form", { id: "transfer-form", novalidate: true },
    h("fieldset", {}, h("legend", {}, "我是"),
      h("label", { class: "inline" }, h("input", { type: "radio", name: "role", value: "seller", id: "role-seller", checked: true }), "卖方"),
      h("label", { class: "inline" }, h("input", { type: "radio", name: "role", value: "buyer", id: "role-buyer" }), "买方")),
    field("my-name", me.kind === "citizen" ? "我的姓名" : "我方名称", h("input", { type: "text", id: "my-name", value: me.name || "", maxlength: 100 })),
    h("div", { id: "property-field" }, field("property", "出售的房屋", property, "（我名下现行的不动产权证书）")),
    field("unit-code", "不动产单元号", h("input", { type: "text", id: "unit-code", maxlength: 28 })),
    field("location", "坐落", h("input", { type: "text", id: "location", maxlength: 200 })),
    h("fieldset", {}, otherLegend,
      h("div", { class: "grid three" },
        field("other-kind", "类型", h("select", { id: "other-kind" }, h("option", { value: "citizen" }, "居民"), h("option", { value: "enterprise" }, "企业"))),
        field("other-id", "证件号", h("input", { type: "text", id: "other-id", maxlength: 18 })),
        field("other-name", "姓名 / 名称", h("input", { type: "text", id: "other-name", maxlength: 100 })))),
    h("div", { class: "grid three" },
      field("price", "成交价", h("input", { type: "text", id: "price", inputmode: "decimal", placeholder: "例如 2350000" }), "（元，含税）"),
      field("area", "建筑面积", h("input", { type: "text", id: "area", inputmode: "decimal" }), "（平方米）"),
      field("usage", "用途", h("select", { id: "usage" }, h("option", { value: "residential" }, "住宅"), h("option", { value: "non_residential" }, "非住宅")))),
    h("div", { class: "grid two" },
      field("contract-date", "合同签订日期", h("input", { type: "date", id: "contract-date", value: today() })),
      field("contract-number", "合同编号", h("input", { type: "text", id: "contract-number", maxlength: 64 }), "（选填）")),
    h("fieldset", {}, h("legend", {}, "计税信息（用于核定税费）"),
      h("div", { class: "grid two" },
        field("buyer-homes", "买方家庭已有住房", h("input", { type: "number", id: "buyer-homes", min: 0, max: 99, value: 0 }), "（套）"),
        field("acquired", "卖方取得日期", h("input", { type: "date", id: "acquired" }))),
      h("label", { class: "inline" }, h("input", { type: "checkbox", id: "only-home", checked: true }), "该房屋是卖方家庭唯一住房"),
      field("original-cost", "房屋原值", h("input", { type: "text", id: "original-cost", inputmode: "decimal" }), "（元，选填；不填视为未能提供原值凭证）")),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "file" }, "提交申请")),
    out,
  );
  const role = () => form.querySelector("input[name=role]:checked").value;
  const fill = () => {
    const c = properties.find((x) => x.id === property.value);
    if (!c || role() !== "seller") return;
    $("#unit-code", form).value = c.fields.unit_code || "";
    $("#location", form).value = c.fields.location || "";
    const area = Number(c.fields.area_hundredths_m2 || 0);
    $("#area", form).value = area ? `${Math.floor(area / 100)}.${String(area % 100).padStart(2, "0")}` : "";
    $("#acquired", form).value = fmtDate(c.validFrom);
    $("#usage", form).value = c.fields.usage === "住宅" ? "residential" : "non_residential";
  };
  property.addEventListener("change", fill);
  form.addEventListener("change", (event) => {
    if (event.target.name !== "role") return;
    const seller = role() === "seller";
    $("#property-field", form).classList.toggle("hidden", !seller || !properties.length);
    replace(otherLegend, seller ? "对方（买方）" : "对方（卖方）");
    if (seller) fill();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy($("#file", form), out, async () => {
      const mine = { kind: me.kind, id: me.subject, name: $("#my-name", form).value.trim() };
      const other = { kind: $("#other-kind", form).value, id: $("#other-id", form).value.trim().toUpperCase(), name: $("#other-name", form).value.trim() };
      const seller = role() === "seller";
      const unit = $("#unit-code", form).value.trim();
      const cost = $("#original-cost", form).value.trim();
      const body = {
        unit_code: unit,
        seller: seller ? mine : other,
        buyer: seller ? other : mine,
        price_fen: parseHundredths($("#price", form).value) ?? 0,
        area_hundredths_m2: parseHundredths($("#area", form).value) ?? 0,
        usage: $("#usage", form).value,
        contract_date: $("#contract-date", form).value,
        location: { division_code: unit.slice(0, 6), text: $("#location", form).value.trim() || unit },
        tax_facts: {
          buyer_family_existing_homes: Number($("#buyer-homes", form).value || 0),
          seller_acquisition_date: $("#acquired", form).value,
          seller_only_home: $("#only-home", form).checked,
          certificate_count: 1,
        },
      };
      const contractNumber = $("#contract-number", form).value.trim();
      if (contractNumber) body.contract_number = contractNumber;
      if (cost) body.tax_facts.original_cost_fen = parseHundredths(cost) ?? -1;
      const created = await api.post("realestate", "/v1/transfers", body);
      location.href = `case.html?id=${encodeURIComponent(created.case_id)}`;
    });
  });
  const list = h("div", { id: "my-cases" });
  replace(main,
    h("h1", {}, "二手房转移登记"),
    h("p", { class: "muted" }, "买卖双方一方提交、另一方确认；系统自动核验产权、查封和身份，核定税费后一次缴清，登簿后新证书自动发给买方。"),
    properties.length ? null : notice("info", "您名下没有现行的不动产权证书。作为卖方申请需要先有证书（开发环境可在首页签发演示证照）；作为买方可直接填写。"),
    h("section", { class: "card" }, form),
    h("h2", {}, "我的过户案件"),
    list,
  );
  if (!properties.length) $("#property-field").classList.add("hidden");
  fill();
  try {
    const { cases } = await api.get("realestate", "/v1/me/cases");
    replace(list, cases.length
      ? cases.map((c) => h("div", { class: "card", dataset: { case: c.case_id } },
          h("h3", {}, h("code", {}, c.case_id), " ", stage(c.stage)),
          h("p", { class: "muted" }, `单元 ${c.unit_code} · 成交价 ${fmtFen(c.price_fen)} · 申请于 ${fmtTime(c.timeline[0] ? c.timeline[0].at : "")}`),
          waiting(c),
          h("a", { href: `case.html?id=${encodeURIComponent(c.case_id)}` }, "查看详情")))
      : h("p", { class: "muted" }, "暂无案件。"));
  } catch (error) {
    replace(list, errorNotice(error));
  }
}
