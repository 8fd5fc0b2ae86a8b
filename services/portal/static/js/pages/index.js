// Sign in (development: choose an identity; or paste a token) and the home menu.
import * as api from "../api.js";
import * as session from "../session.js";
import { $, audience, busy, frame, h, notice, param, replace } from "../ui.js";

const main = $("#main");
const me = frame(session.principal() ? "首页" : "登录");
const cfg = await api.config().catch(() => ({ dev_sign_in: false, env: "unknown" }));

const messages = h("div", { id: "messages" });
if (param("signed-out")) {
  messages.append(notice("ok", "您已退出。本标签页保存的身份和办事信息已全部清除。"));
}

if (me) home(me);
else signIn();

function safeNext() {
  const next = param("next") || "";
  return /^[a-z-]+\.html(\?[A-Za-z0-9=&._:%-]*)?$/.test(next) ? next : "index.html";
}

function enter(token, principal, expiresIn) {
  session.start(token, principal, expiresIn);
  location.replace(safeNext());
}

function signIn() {
  const out = h("div", { id: "sign-in-result" });
  const kindRadio = (value, text, checked = false) =>
    h("label", { class: "inline" }, h("input", { type: "radio", name: "kind", value, id: `kind-${value}`, checked }), text);
  const holder = h(
    "div",
    { id: "holder-fields" },
    h("div", { class: "field" },
      h("label", { for: "subject" }, "证件号", h("span", { class: "hint" }, "（居民身份证号，或企业统一社会信用代码）")),
      h("input", { type: "text", id: "subject", autocomplete: "off", maxlength: 18, inputmode: "latin" }),
      h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", id: "new-id" }, "生成测试号码")),
    ),
    h("div", { class: "field" },
      h("label", { for: "name" }, "姓名 / 企业名称"),
      h("input", { type: "text", id: "name", maxlength: 64, placeholder: "例如：张三，或 泉城餐饮有限公司" }),
    ),
  );
  const staff = h(
    "div",
    { id: "staff-fields", class: "hidden" },
    h("div", { class: "grid two" },
      h("div", { class: "field" }, h("label", { for: "staff-id" }, "工号"), h("input", { type: "text", id: "staff-id", value: "gs-0001", maxlength: 32 })),
      h("div", { class: "field" }, h("label", { for: "staff-name" }, "姓名"), h("input", { type: "text", id: "staff-name", value: "王敏", maxlength: 32 })),
    ),
    h("div", { class: "grid two" },
      h("div", { class: "field", id: "department-field" },
        h("label", { for: "department" }, "部门"),
        h("select", { id: "department" }, h("option", { value: "realestate" }, "不动产登记中心"), h("option", { value: "tax" }, "税务局")),
      ),
      h("div", { class: "field" },
        h("label", { for: "region" }, "辖区", h("span", { class: "hint" }, "（6 位行政区划代码，370100 = 济南市）")),
        h("input", { type: "text", id: "region", value: "370100", maxlength: 6, inputmode: "numeric" }),
      ),
    ),
    h("div", { class: "field" },
      h("span", {}, "角色："),
      h("label", { class: "inline" }, h("input", { type: "checkbox", id: "role-window", checked: true }), "窗口受理（认领、审核）"),
      h("label", { class: "inline" }, h("input", { type: "checkbox", id: "role-operator", checked: true }), "供电环节操作"),
    ),
  );
  const form = h(
    "form",
    { id: "sign-in-form", novalidate: true },
    h("fieldset", {}, h("legend", {}, "我是"),
      kindRadio("citizen", "居民（个人）", true),
      kindRadio("enterprise", "企业"),
      kindRadio("estate", "不动产 / 税务窗口人员"),
      kindRadio("power", "供电公司人员"),
    ),
    holder,
    staff,
    h("div", { class: "actions" }, h("button", { type: "submit", id: "sign-in" }, "登录")),
    out,
  );
  const kind = () => form.querySelector("input[name=kind]:checked").value;
  form.addEventListener("change", (event) => {
    if (event.target.name !== "kind") return;
    const k = kind();
    holder.classList.toggle("hidden", k === "estate" || k === "power");
    staff.classList.toggle("hidden", !(k === "estate" || k === "power"));
    $("#department-field", form).classList.toggle("hidden", k === "power");
  });
  form.querySelector("#new-id").addEventListener("click", async (event) => {
    await busy(event.currentTarget, out, async () => {
      const k = kind() === "enterprise" ? "enterprise" : "citizen";
      const made = await api.portal("/dev/identities", { method: "POST", body: { kind: k } });
      $("#subject", form).value = made.id;
    });
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy($("#sign-in", form), out, async () => {
      const k = kind();
      let body;
      if (k === "citizen" || k === "enterprise") {
        body = { kind: k, subject: $("#subject", form).value.trim(), name: $("#name", form).value.trim() };
      } else {
        const roles = [];
        if ($("#role-window", form).checked) roles.push("window");
        if ($("#role-operator", form).checked) roles.push("operator");
        body = {
          kind: "staff",
          subject: $("#staff-id", form).value.trim(),
          name: $("#staff-name", form).value.trim(),
          department: k === "power" ? "power" : $("#department", form).value,
          region: $("#region", form).value.trim(),
          roles,
        };
      }
      const minted = await api.portal("/dev/token", { method: "POST", body });
      enter(minted.token, minted.principal, minted.expires_in);
    });
  });

  const pasteOut = h("div", { id: "paste-result" });
  const paste = h(
    "details",
    { class: "card" },
    h("summary", {}, "使用已有令牌登录"),
    h("p", { class: "muted" }, "粘贴统一身份认证签发的令牌（或 ", h("code", {}, "govshare token"), " 生成的开发令牌）。"),
    h("textarea", { id: "pasted-token", rows: 4, spellcheck: "false" }),
    h("div", { class: "actions" }, h("button", { type: "button", id: "use-token", class: "secondary" }, "使用此令牌")),
    pasteOut,
  );
  paste.querySelector("#use-token").addEventListener("click", () => {
    try {
      const raw = $("#pasted-token", paste).value.trim();
      const { principal, expiresIn } = session.claimsOf(raw);
      if (!principal.kind || !principal.subject) throw new Error("令牌中没有身份信息");
      enter(raw, principal, expiresIn);
    } catch (error) {
      replace(pasteOut, notice("error", h("strong", {}, "无法使用该令牌"), h("div", { class: "detail" }, String(error.message || error))));
    }
  });

  const dev = cfg.dev_sign_in
    ? h("section", { class: "card" },
        h("h2", {}, "登录（开发环境）"),
        h("p", { class: "muted" }, "开发环境可直接选择身份登录；生产环境通过统一身份认证登录。"),
        form)
    : notice("info", "本环境不提供开发登录，请使用统一身份认证签发的令牌。");
  replace(main, h("h1", {}, "登录"), messages, dev, paste);
}

function home(p) {
  const who = audience(p);
  const tiles = {
    holder: [
      ["power.html", "办电", "零证办电：不用上传证照，系统从共享数据核验"],
      ["transfer.html", "二手房过户", "一次申请、一次缴税费，登簿后自动发新证"],
      ["track.html", "办件进度", "像查快递一样看每一步和时限"],
      ["certificates.html", "我的证照", "查看、下载、核验电子证照"],
      ["access-log.html", "用数记录", "谁在何时、为何使用了我的数据"],
    ],
    estate: [
      ["staff-queue.html", "共享队列", "不动产与税务共用的窗口队列：认领、审核"],
      ["staff-tax.html", "人工核定", "系统无法自动计算税费的案件：税务窗口人员逐项核定"],
    ],
    power: [["staff-power.html", "供电环节", "推进本辖区办电申请的各个环节"]],
    none: [],
  }[who];
  const children = [
    h("h1", {}, `您好，${p.name || p.subject}`),
    h("p", { class: "muted" }, p.kind === "staff" ? "工号：" : "您的证件号：", h("code", { id: "my-id" }, p.subject),
      p.kind === "citizen" ? "（办理二手房过户时，把它告诉对方）" : ""),
    messages,
    h("div", { class: "grid two tiles" }, tiles.map(([href, title, text]) => h("a", { href }, h("strong", {}, title), h("span", { class: "muted" }, text)))),
  ];
  if (who === "holder" && cfg.dev_sign_in) {
    const out = h("div", { id: "demo-result" });
    const button = h("button", { type: "button", id: "demo-certificates", class: "secondary" }, "为我签发演示证照");
    button.addEventListener("click", () =>
      busy(button, out, async () => {
        const made = await api.portal("/dev/demo-certificates", { method: "POST", withToken: true });
        replace(out, notice("ok",
          h("strong", {}, "已签发："),
          h("ul", {}, made.issued.map((c) => h("li", {}, c.type_name, c.unit_code ? ["（不动产单元号 ", h("code", {}, c.unit_code), "）"] : null))),
          h("div", {}, h("a", { href: "certificates.html" }, "查看我的证照"))));
      }),
    );
    children.push(
      h("section", { class: "card" },
        h("h2", {}, "演示数据（仅开发环境）"),
        h("p", { class: "muted" }, p.kind === "enterprise"
          ? "由市场监管局签发一张营业执照、由不动产登记中心签发一张不动产权证书（新的单元号），用来体验零证办电和二手房过户。"
          : "由不动产登记中心签发一张不动产权证书（新的单元号），用来体验零证办电和二手房过户（作为卖方）。"),
        h("div", { class: "actions" }, button),
        out),
    );
  }
  if (who === "none") children.push(notice("error", "当前身份不能使用本门户的页面。"));
  replace(main, ...children);
}
