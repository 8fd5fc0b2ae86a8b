// Apply for power with nothing uploaded; see what was found and what is missing.
import * as api from "../api.js";
import { PROPERTY_TYPE } from "../labels.js";
import { $, busy, errorNotice, fmtTime, fmtWatts, frame, guard, h, notice, randomId, replace } from "../ui.js";
import { evidence, powerStatus } from "../views.js";

const main = $("#main");
frame("办电");
const me = guard(main, ["holder"]);
if (me) await render();

function newRequestId() {
  return `portal-${randomId()}`;
}

async function render() {
  let matters = [];
  let certificates = [];
  try {
    const [m, c] = await Promise.all([
      api.get("power", "/v1/matters"),
      api.get("certificates", "/v1/me/certificates?include_history=false"),
    ]);
    matters = m.matters.filter((x) => x.applicants.includes(me.kind));
    certificates = c.certificates.filter((x) => x.typeCode === PROPERTY_TYPE && x.status === "CERTIFICATE_STATUS_ACTIVE");
  } catch (error) {
    replace(main, h("h1", {}, "办电"), errorNotice(error));
    return;
  }
  let requestId = newRequestId();
  const out = h("div", { id: "apply-result", "aria-live": "polite" });
  const need = h("p", { class: "muted", id: "matter-evidence" });
  const matterSelect = h("select", { id: "matter" },
    matters.map((m) => h("option", { value: m.code }, `${m.name}（${fmtWatts(m.capacity_w[0])}–${fmtWatts(m.capacity_w[1])}）`)));
  const showNeed = () => {
    const m = matters.find((x) => x.code === matterSelect.value);
    if (!m) return;
    const types = m.evidence.filter((e) => e.for.includes(me.kind)).map((e) => e.type_name);
    replace(need, "所需证照：", types.join("、") || "无", "。系统从共享数据自动核验，您无需上传。办理环节：",
      m.steps.map((s) => `${s.step_name}（${s.limit} 个工作日）`).join(" → "));
  };
  matterSelect.addEventListener("change", showNeed);
  const unitSelect = h("select", { id: "unit" },
    certificates.map((c) => h("option", { value: c.fields.unit_code }, `${c.fields.location || ""} · ${c.fields.unit_code}`)),
    h("option", { value: "" }, "其他地点（手动填写不动产单元号）"));
  const unitInput = h("input", { type: "text", id: "unit-code", maxlength: 28, placeholder: "28 位不动产单元号", class: certificates.length ? "hidden" : null });
  unitSelect.addEventListener("change", () => unitInput.classList.toggle("hidden", unitSelect.value !== ""));
  const form = h("form", { id: "apply-form", novalidate: true },
    h("div", { class: "field" }, h("label", { for: "matter" }, "办电事项"), matterSelect, need),
    h("div", { class: "field" },
      h("label", { for: "capacity-kw" }, "申请容量", h("span", { class: "hint" }, "（千瓦）")),
      h("input", { type: "text", id: "capacity-kw", inputmode: "decimal", value: me.kind === "citizen" ? "8" : "60" })),
    h("div", { class: "field" }, h("label", { for: "unit" }, "用电地点"), unitSelect, unitInput),
    h("div", { class: "grid two" },
      h("div", { class: "field" }, h("label", { for: "contact-name" }, "联系人", h("span", { class: "hint" }, "（选填）")), h("input", { type: "text", id: "contact-name", maxlength: 64 })),
      h("div", { class: "field" }, h("label", { for: "contact-phone" }, "联系电话", h("span", { class: "hint" }, "（选填）")), h("input", { type: "tel", id: "contact-phone", maxlength: 20 })),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "apply" }, "提交申请（无需上传材料）")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy($("#apply", form), out, async () => {
      const kw = $("#capacity-kw", form).value.trim();
      const watts = /^\d+(\.\d{1,3})?$/.test(kw) ? Math.round(Number(kw) * 1000) : NaN;
      const body = {
        matter_code: matterSelect.value,
        requested_capacity_w: Number.isFinite(watts) ? watts : -1,
        unit_code: unitSelect.value || unitInput.value.trim(),
        request_id: requestId,
        channel: "online-portal",
      };
      const name = $("#contact-name", form).value.trim();
      const phone = $("#contact-phone", form).value.trim();
      if (name || phone) body.contact = { name, phone };
      const app = await api.post("power", "/v1/applications", body);
      requestId = newRequestId(); // the next application is a new one
      showResult(app);
      await mine();
    });
  });
  const list = h("div", { id: "my-applications" });
  replace(main,
    h("h1", {}, "办电申请"),
    h("p", { class: "muted" }, "零证办电：营业执照、不动产权证书等由系统向发证部门核验，您不用上传。"),
    h("section", { class: "card" }, form, certificates.length ? null : notice("info", "您名下没有现行的不动产权证书；可手动填写单元号，或在首页签发演示证照。")),
    out,
    h("h2", {}, "我的办电申请"),
    list,
  );
  showNeed();

  function showResult(app) {
    const refreshOut = h("div", { id: "refresh-result" });
    const parts = [
      h("h2", {}, "申请已提交 ", powerStatus(app.status)),
      h("p", {}, "申请编号 ", h("code", { id: "application-id" }, app.application_id)),
      evidence(app),
    ];
    if (app.missing_evidence.length || app.evidence_to_refresh.length) {
      const again = h("button", { type: "button", id: "refresh", class: "secondary" }, "重新从共享数据核验");
      again.addEventListener("click", () =>
        busy(again, refreshOut, async () => showResult(await api.post("power", `/v1/applications/${encodeURIComponent(app.application_id)}/evidence/refresh`))));
      parts.push(h("p", { class: "muted" }, "取得缺少的证照后（例如办结不动产登记），点击重新核验即可，无需上传。"), h("div", { class: "actions" }, again), refreshOut);
    }
    parts.push(h("div", { class: "actions" }, h("a", { class: "button", href: `track.html?application=${encodeURIComponent(app.application_id)}`, id: "track-link" }, "查看办理进度")));
    replace(out, h("section", { class: "card", id: "result" }, parts));
  }

  async function mine() {
    try {
      const { applications } = await api.get("power", "/v1/me/applications");
      if (!applications.length) {
        replace(list, h("p", { class: "muted" }, "暂无办电申请。"));
        return;
      }
      replace(list, applications.map((a) => {
        const current = a.steps.find((s) => s.state === "current");
        return h("div", { class: "card application", dataset: { application: a.application_id } },
          h("h3", {}, a.matter_name, " ", powerStatus(a.status)),
          h("p", { class: "muted" }, h("code", {}, a.application_id), ` · 提交于 ${fmtTime(a.submitted_at)}`),
          current ? h("p", {}, `当前环节：${current.step_name}，截止 ${fmtTime(current.deadline)}`) : null,
          h("a", { href: `track.html?application=${encodeURIComponent(a.application_id)}` }, "查看进度"));
      }));
    } catch (error) {
      replace(list, errorNotice(error));
    }
  }
  await mine();
}
