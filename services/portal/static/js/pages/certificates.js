// My e-certificates: display, download (JSON), verify (signature, status, validity).
import * as api from "../api.js";
import { CERTIFICATE_FIELDS, CERTIFICATE_STATUS, SIGNATURE_SUITES, VERIFICATION_PROBLEMS } from "../labels.js";
import { $, busy, chip, errorNotice, facts, fmtArea, fmtDate, fmtFen, fmtTime, frame, guard, h, notice, replace } from "../ui.js";

const main = $("#main");
frame("我的证照");
const me = guard(main, ["holder"]);
if (me) await render();

function fieldValue(key, value) {
  if (key === "area_hundredths_m2" && /^\d+$/.test(value)) return fmtArea(value);
  if (key.endsWith("_fen") && /^\d+$/.test(value)) return fmtFen(value);
  return value;
}

async function render() {
  const history = h("input", { type: "checkbox", id: "history" });
  const list = h("div", { id: "certificates" });
  replace(main,
    h("h1", {}, "我的证照"),
    h("p", { class: "muted" }, "电子证照由发证部门签名（SM2 国密算法）。可下载 JSON 文件，用 ", h("code", {}, "govshare verify"), " 离线核验，或在此在线核验。"),
    h("label", { class: "inline" }, history, "显示已注销或被替代的证照"),
    list);
  history.addEventListener("change", load);
  await load();

  async function load() {
    let certificates;
    try {
      ({ certificates } = await api.get("certificates", "/v1/me/certificates?include_history=true"));
    } catch (error) {
      replace(list, errorNotice(error));
      return;
    }
    const shown = certificates.filter((c) => history.checked || c.status === "CERTIFICATE_STATUS_ACTIVE" || c.status === "CERTIFICATE_STATUS_SUSPENDED");
    replace(list, shown.length ? shown.map(card) : h("p", { class: "muted" }, "暂无证照。"));
  }
}

function card(c) {
  const out = h("div", { class: "verify-result", "aria-live": "polite" });
  const download = h("button", { type: "button", class: "secondary download" }, "下载（JSON）");
  const verify = h("button", { type: "button", class: "verify" }, "核验");
  const fetchOwn = () => api.get("certificates", `/v1/certificates/${encodeURIComponent(c.id)}`);
  download.addEventListener("click", () => busy(download, out, async () => {
    const copy = await fetchOwn();
    const blob = new Blob([JSON.stringify(copy, null, 2)], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const a = h("a", { href: url, download: `${c.typeName}-${c.serial}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }));
  verify.addEventListener("click", () => busy(verify, out, async () => {
    const copy = await fetchOwn();
    const result = await api.post("certificates", "/v1/verifications", copy);
    replace(out, result.valid
      ? notice("ok", h("strong", {}, "核验通过："), "签名有效，内容与证照库一致，当前有效。")
      : notice("error", h("strong", {}, "核验未通过："),
          h("ul", {}, (result.problems || []).map((p, i) => h("li", {}, VERIFICATION_PROBLEMS[p] || p, result.details && result.details[i] ? h("div", { class: "detail" }, result.details[i]) : null)))));
  }));
  const fields = Object.entries(c.fields || {}).sort(([a], [b]) => a.localeCompare(b));
  return h("section", { class: "card certificate", dataset: { type: c.typeCode, id: c.id, status: c.status } },
    h("h2", {}, c.typeName, " ", chip(CERTIFICATE_STATUS[c.status] || [c.status, "muted"])),
    facts([
      ["证照编号", h("code", {}, c.id)],
      ["持证人", c.holder.name],
      ["签发机构", c.issuerName],
      ["有效期", `${fmtDate(c.validFrom)} 至 ${fmtDate(c.validUntil)}`],
      ["版本", `第 ${c.version} 版`],
      ["签发时间", fmtTime(c.issuedAt)],
      ...fields.map(([k, v]) => [CERTIFICATE_FIELDS[k] || k, fieldValue(k, v)]),
      ["签名", c.signature ? `${SIGNATURE_SUITES[c.signature.suite] || c.signature.suite}（密钥 ${c.signature.keyId}）` : "—"],
    ]),
    h("div", { class: "actions" }, download, verify),
    out);
}
