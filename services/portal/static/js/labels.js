// Chinese names for what the services answer in codes.

export const KINDS = {
  citizen: "居民",
  enterprise: "企业",
  staff: "工作人员",
  department: "部门系统",
};

export const DEPARTMENTS = {
  realestate: "不动产登记中心",
  tax: "税务局",
  power: "供电公司",
  citizen: "申请人",
  "": "—",
};

export const ROLES = { window: "窗口受理", operator: "供电环节操作" };

export const CERTIFICATE_TYPES = {
  "11100000000018833X001": "营业执照",
  "111000000000193186001": "不动产权证书",
  "111000000000193186002": "建设用地规划许可证",
  "111000000000193186003": "建设工程规划许可证",
  "11100000000019342N001": "建筑工程施工许可证",
  "11100000000019350H001": "项目核准/备案证明",
  "11100000000019334U001": "完税证明",
};
export const PROPERTY_TYPE = "111000000000193186001";

export const CERTIFICATE_STATUS = {
  CERTIFICATE_STATUS_ACTIVE: ["有效", "ok"],
  CERTIFICATE_STATUS_SUSPENDED: ["已中止", "warn"],
  CERTIFICATE_STATUS_REVOKED: ["已注销", "bad"],
  CERTIFICATE_STATUS_SUPERSEDED: ["已被新版本替代", "muted"],
  CERTIFICATE_STATUS_UNSPECIFIED: ["未知", "muted"],
};

export const CERTIFICATE_FIELDS = {
  unit_code: "不动产单元号",
  right_holder: "权利人",
  location: "坐落",
  usage: "用途",
  area_hundredths_m2: "面积",
  right_type: "权利类型",
  registration_number: "不动产权证号",
  co_ownership: "共有情况",
  right_nature: "权利性质",
  land_use_term_until: "土地使用期限",
  case_id: "办件编号",
  name: "名称",
  legal_representative: "法定代表人",
  entity_type: "类型",
  address: "住所",
  established_on: "成立日期",
  registered_capital_fen: "注册资本",
  business_scope: "经营范围",
  term_from: "营业期限自",
  term_until: "营业期限至",
  payment_id: "缴款编号",
  total_tax_fen: "税款合计",
  lines: "税费明细",
  parcel_code: "宗地代码",
  permit_number: "许可证号",
  project_name: "项目名称",
  project_code: "项目代码",
  land_use: "用地性质",
};

export const VERIFICATION_PROBLEMS = {
  VERIFICATION_PROBLEM_MALFORMED_ID: "证照编号格式或校验位错误",
  VERIFICATION_PROBLEM_UNKNOWN_CERTIFICATE: "证照库中没有这张证照",
  VERIFICATION_PROBLEM_CONTENT_MISMATCH: "内容与证照库中的不一致（可能被改动）",
  VERIFICATION_PROBLEM_UNKNOWN_KEY: "签名密钥未知",
  VERIFICATION_PROBLEM_BAD_SIGNATURE: "签名不正确（内容被改动或密钥不对）",
  VERIFICATION_PROBLEM_KEY_COMPROMISED: "签名密钥已泄露",
  VERIFICATION_PROBLEM_NOT_YET_VALID: "尚未生效",
  VERIFICATION_PROBLEM_EXPIRED: "已过有效期",
  VERIFICATION_PROBLEM_SUSPENDED: "已中止",
  VERIFICATION_PROBLEM_REVOKED: "已注销",
  VERIFICATION_PROBLEM_SUPERSEDED: "已有新版本",
};

export const SIGNATURE_SUITES = {
  SIGNATURE_SUITE_SM2_SM3: "SM2/SM3 国密签名",
  SIGNATURE_SUITE_ED25519: "Ed25519 签名",
};

// power
export const POWER_STATUS = {
  submitted: ["已提交", "info"],
  "evidence-requested": ["待补充材料", "warn"],
  "in-progress": ["办理中", "info"],
  connected: ["已接电", "ok"],
};
export const EVIDENCE_STATUS = {
  FOUND: ["已从共享数据获取", "ok"],
  MISSING: ["未找到", "bad"],
  NOT_CURRENT: ["已失效（注销、中止或过期）", "bad"],
  AMBIGUOUS: ["存在多份，无法确定", "warn"],
};
export const STEP_STATE = { done: "已完成", current: "办理中", pending: "未开始" };
export const POWER_EVENTS = {
  submitted: "提交申请",
  evidence_resolved: "从共享数据核验证照",
  evidence_requested: "需要补充材料",
  evidence_supplied: "已补充材料",
  accepted: "申请受理（零材料）",
  step_entered: "进入环节",
  step_overdue: "环节超时",
  connected: "接电完成",
  evaluated: "服务评价",
  rectification_opened: "启动整改",
  flagged: "所用证照发生变化",
};
export const GRADES = [
  ["very-satisfied", "非常满意"],
  ["satisfied", "满意"],
  ["basically-satisfied", "基本满意"],
  ["dissatisfied", "不满意"],
  ["very-dissatisfied", "非常不满意"],
];

// real estate + tax
export const STAGES = {
  awaiting_confirmation: ["待对方确认", "warn"],
  in_review: ["智能审核中", "info"],
  referred: ["窗口人工审核", "warn"],
  awaiting_assessment: ["核定税费中", "info"],
  awaiting_payment: ["待缴税费", "warn"],
  registering: ["登簿中", "info"],
  completed: ["已办结", "ok"],
  rejected: ["未通过", "bad"],
  withdrawn: ["已撤回", "muted"],
};
export const STAGE_ORDER = [
  "awaiting_confirmation",
  "in_review",
  "awaiting_assessment",
  "awaiting_payment",
  "registering",
  "completed",
];
export const CASE_STEPS = {
  applied: "提交申请",
  confirmed: "对方确认",
  review_passed: "审核通过",
  review_rejected: "审核未通过",
  review_referred: "转窗口人工审核",
  claimed: "窗口人员认领",
  withdrawn: "撤回申请",
  assessed: "核定税费",
  paid: "税费缴清",
  tax_cancelled: "缴款单作废",
  registered: "登簿完成",
  certificate_issued: "签发电子证照",
  manual_assessment_required: "转税务人工核定",
  evaluated: "服务评价",
  rectification_opened: "启动整改",
  rectified: "整改完成",
  followed_up: "整改回访",
};
export const CHECKS = {
  SELLER_HOLDS_CERTIFICATE: "卖方持有现行不动产权证书",
  UNIT_NOT_SEALED: "不动产未被法院查封",
  NO_OTHER_OPEN_CASE: "该不动产无其他在办案件",
  IDENTITIES_VALID: "双方身份有效",
  FACTS_MATCH_CERTIFICATE: "申报信息与证书一致",
  BOTH_PARTIES_CONFIRMED: "双方均已确认",
  STAFF_JUDGEMENT: "窗口人员判断",
  RELIEFS_MATCH_REGISTRY: "住房优惠申报与登记信息一致",
};
export const LINE_KINDS = {
  LINE_KIND_DEED_TAX: "契税",
  LINE_KIND_VAT: "增值税",
  LINE_KIND_INDIVIDUAL_INCOME_TAX: "个人所得税",
  LINE_KIND_LAND_VAT: "土地增值税",
  LINE_KIND_STAMP_DUTY: "印花税",
  LINE_KIND_REGISTRATION_FEE: "不动产登记费",
  LINE_KIND_EXTRA_CERTIFICATE_FEE: "证书工本费",
  LINE_KIND_BUSINESS_TAX: "营业税",
  LINE_KIND_URBAN_MAINTENANCE_TAX: "城市维护建设税",
  LINE_KIND_EDUCATION_SURCHARGE: "教育费附加",
  LINE_KIND_LOCAL_EDUCATION_SURCHARGE: "地方教育附加",
};
export const CALCULATIONS = {
  CALCULATION_RATE: "按税率",
  CALCULATION_FIXED: "定额",
  CALCULATION_EXEMPT: "免征",
};
export const BILL_STATUS = {
  assessed: ["待缴款", "warn"],
  paid: ["已缴清", "ok"],
  cancelled: ["已作废", "muted"],
  refund_due: ["退款中", "warn"],
  refunded: ["已原路退款", "muted"],
};
export const ORDER_STATUS = {
  open: "待支付",
  paid: "已支付",
  expired: "已过期",
  failed: "未支付",
};

// access log
export const MATTERS = {
  "realestate.transfer-review": "二手房转移登记 智能审核",
  "realestate.transfer-reliefs": "二手房转移登记 涉税住房优惠核验",
};
export const DENIALS = {
  ACCESS_DENIAL_REASON_NOT_IN_CATALOG: "共享目录中没有这项用途",
  ACCESS_DENIAL_REASON_TYPE_NOT_ALLOWED: "该用途不允许获取此类证照",
  ACCESS_DENIAL_REASON_NO_CASE: "没有关联的办件",
  ACCESS_DENIAL_REASON_REQUESTER_MISMATCH: "请求方与目录不符",
  ACCESS_DENIAL_REASON_ENTRY_NOT_IN_FORCE: "目录条目未生效",
};
export const DATA_USES = {
  DATA_USE_CERTIFICATE_READ: "发证机关查阅证照",
  DATA_USE_DOSSIER_LISTED: "发证机关查询证照目录",
  DATA_USE_CASE_READ: "窗口人员查阅二手房转移登记办件",
  DATA_USE_UNIT_HISTORY_READ: "查阅不动产单元历史（一码关联）",
  DATA_USE_TRANSFER_ASSESSED: "税务机关核定二手房转移登记税费",
  DATA_USE_QUEUE_READ: "窗口人员查看一窗办事共享队列（在办案件）",
};

export function label(table, key, fallback = key) {
  const value = table[key];
  if (value === undefined) return fallback;
  return Array.isArray(value) ? value[0] : value;
}
