// Every error a service can return, in plain Chinese: what happened (by HTTP status), which
// field (the problem's `field` member) and why (`reason`, or `detail` when no field is at
// fault, e.g. authentication; translated where we know it; the original is always shown
// as well, so nothing is hidden). Refusals are RFC 9457 problem details.
import { ApiError } from "./api.js";

const STATUS = {
  0: "无法连接门户，请检查网络后重试",
  400: "请求有误",
  401: "尚未登录或登录已失效，请重新登录",
  403: "您无权进行此操作",
  404: "没有找到（或您无权查看）",
  409: "操作与当前办理状态冲突",
  413: "提交的内容过大",
  422: "填写的信息有误",
  429: "操作过于频繁，请稍后再试",
  500: "服务内部错误，请稍后再试",
  502: "暂时无法连接该服务，请稍后再试",
  503: "服务暂时不可用（可能正在启动），请稍后重试",
  504: "服务响应超时，请稍后重试",
};

const FIELDS = {
  network: "网络",
  service: "服务",
  path: "地址",
  body: "提交内容",
  token: "登录身份",
  sub: "证件号/工号",
  subject: "证件号/工号",
  kind: "身份类型",
  dept: "部门",
  region: "辖区",
  roles: "角色",
  name: "姓名/名称",
  env: "运行环境",
  matter_code: "办电事项",
  requested_capacity_w: "申请容量",
  unit_code: "不动产单元号",
  applicant_id: "申请人证件号",
  "address.division_code": "行政区划代码",
  "address.text": "地址",
  application_id: "办电申请",
  evidence: "证照",
  type_code: "证照类型",
  grade: "评价等级",
  "reviewer.id": "复核人工号",
  "reviewer.name": "复核人姓名",
  legal_basis: "法律依据",
  lines: "核定的税费",
  comment: "评价意见",
  current_step: "当前环节",
  case_id: "案件",
  "seller.id": "卖方证件号",
  "buyer.id": "买方证件号",
  "seller.name": "卖方姓名",
  "buyer.name": "买方姓名",
  price_fen: "成交价",
  area_hundredths_m2: "建筑面积",
  contract_date: "合同日期",
  "location.text": "坐落",
  "location.division_code": "行政区划代码",
  "tax_facts.seller_acquisition_date": "卖方取得日期",
  "tax_facts.original_cost_fen": "房屋原值",
  "tax_facts.buyer_family_existing_homes": "买方家庭已有住房",
  "tax_facts.fee_exemption": "减免登记费",
  "tax_facts.fee_exemption_detail": "减免依据",
  decision: "审核决定",
  note: "审核意见",
  reason: "撤回原因",
  amount_fen: "缴款金额",
  assessment_id: "缴款单",
  payment_id: "缴款编号",
  payer_id: "缴款人",
  payment: "缴款",
  certificate: "证照文件",
  certificate_id: "证照",
  issuer_uscc: "签发机构",
  certificates: "证照库",
  broker: "消息总线",
  department: "部门",
  city: "城市",
  stage: "阶段",
};

// Known reasons (English from the services) -> Chinese. The original is shown too.
const REASONS = [
  [/^missing bearer token/, "尚未登录"],
  [/^token expired/, "登录已过期，请重新登录"],
  [/^bad signature|^unknown key id|^untrusted issuer/, "登录凭证不被信任"],
  [/^no such application/, "没有这件办电申请，或它不属于您"],
  [/^no such case/, "没有这个案件"],
  [/^no assessment for this case/, "该案件还没有核定税费"],
  [/^only the parties and window staff/, "只有买卖双方和本辖区窗口人员可以查看此案件"],
  [/^only the parties and the case's window staff may see the bill/, "只有买卖双方和本辖区窗口人员可以查看缴款单"],
  [/^only the buyer and the seller of the case may do this/, "只有本案件的买方或卖方可以操作"],
  [/^only the buyer or the seller may file/, "只有买方或卖方可以提交申请"],
  [/^the applicant must be the buyer or the seller/, "申请人必须是买方或卖方之一（请核对证件号）"],
  [/^the (buyer|seller) confirms what the (buyer|seller) filed/, "应由另一方确认本申请"],
  [/^buyer and seller are the same party/, "买方和卖方不能是同一人"],
  [/^is in the future/, "不能晚于今天"],
  [/^is after the contract date/, "不能晚于合同日期"],
  [/^NO_OTHER_OPEN_CASE/, "该不动产已有在办案件，不能重复申请"],
  [/^AMOUNT_MISMATCH/, "缴款金额与应缴金额不符"],
  [/^UNKNOWN_ASSESSMENT/, "找不到该缴款单"],
  [/^ASSESSMENT_SUPERSEDED/, "缴款单已更新，请按新缴款单缴款"],
  [/^ALREADY_PAID/, "本案件已缴清，无需再缴"],
  [/^CASE_CLOSED/, "案件已关闭（未通过或已撤回），不能缴款"],
  [/^only a party of the case or a payment channel may pay/, "只有本案件的当事人可以缴款"],
  [/^window staff of realestate or tax only/, "仅不动产登记中心或税务局的窗口人员可以查看"],
  [/^window staff of the unit's region only/, "仅该不动产所在辖区的窗口人员可以办理"],
  [/^role 'window' required/, "需要“窗口受理”角色"],
  [/^the case waits on (\w+) staff/, "该案件正在等待另一部门的窗口人员办理"],
  [/^already claimed by/, "该案件已被其他工作人员认领"],
  [/^the reviewer must be a second staff member/, "复核人须是核定人以外的另一名工作人员"],
  [/^you have already rated this case/, "您已评价过本案件"],
  [/^only a case referred to staff can be claimed/, "只有转人工审核的案件可以认领"],
  [/^claim the case before deciding it/, "请先认领该案件，再作出决定"],
  [/^only a referred case awaits a decision/, "该案件不在人工审核阶段"],
  [/^the case is already/, "案件已关闭"],
  [/^outside your region/, "超出您的辖区"],
  [/^holders only/, "仅持证的居民或企业可以查看"],
  [/^only the holder may see this certificate/, "只有持证人本人可以查看这张证照"],
  [/ takes \d+ to \d+ W$/, "申请容量超出该事项允许的范围"],
  [/ is applied for by /, "您的身份不能申请该事项"],
  [/^unknown matter/, "没有这个办电事项"],
  [/^give the unit code or the address/, "请填写不动产单元号或用电地址"],
  [/^must be a positive number of watts/, "申请容量必须大于零"],
  [/^not applied in time; retry|^recorded but not yet applied; retry/, "已受理但尚未处理完，请稍后刷新或重试"],
  [/did not answer in time$/, "服务响应超时"],
  [/is unreachable/, "服务暂时无法连接"],
  [/^development sign-in is refused in production/, "生产环境不提供开发登录"],
  [/^demo certificates are for citizens and enterprises/, "演示证照只能发给居民或企业"],
  [/^only the services' \/v1\/ routes/, "门户只转发业务接口"],
  [/check char|check character/, "证件号校验位不正确"],
  [/^Field required/, "必填"],
  [/^Input should be/, "格式不正确"],
  [/^String should have at least/, "不能为空"],
  [/^String should match pattern/, "格式不正确"],
];

function fieldOf(problem) {
  if (problem && typeof problem === "object") {
    const said = typeof problem.detail === "string" ? problem.detail : "";
    return { field: problem.field || "", reason: problem.reason || said };
  }
  return { field: "", reason: "" };
}

export function translate(reason) {
  for (const [pattern, text] of REASONS) if (pattern.test(reason)) return text;
  return "";
}

export function describe(error) {
  if (!(error instanceof ApiError)) {
    return { title: "页面出错了", field: "", fieldLabel: "", reason: String(error), text: "", extra: [] };
  }
  const { field, reason } = fieldOf(error.detail);
  const extra = [];
  const d = error.detail && typeof error.detail === "object" ? error.detail : {};
  if (d.expected_fen !== undefined && d.expected_fen !== null) extra.push(["应缴金额（分）", String(d.expected_fen)]);
  if (d.open_case) extra.push(["在办案件", d.open_case]);
  if (Array.isArray(d.problems) && d.problems.length > 1) {
    for (const p of d.problems.slice(1)) extra.push([FIELDS[p.field] || p.field, p.reason]);
  }
  return {
    title: STATUS[error.status] || `请求失败（HTTP ${error.status}）`,
    status: error.status,
    field,
    fieldLabel: FIELDS[field] || field,
    reason,
    text: translate(reason),
    extra,
  };
}
