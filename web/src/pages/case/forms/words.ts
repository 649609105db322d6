/**
 * The words of the case page's command forms, Simplified Chinese first with English alongside, as { zh, en } pairs
 * the page picks from (useI18n().pick). Kept beside the forms so the shared message table stays small.
 */
import type { LegalStep, RevocationGround, ServiceKind } from '../../../../../contracts/enums';

export interface Words {
  zh: string;
  en: string;
}
const w = (zh: string, en: string): Words => ({ zh, en });

export const W = {
  choose: w('请选择', 'Choose'),
  required: w('必填', 'Required'),
  tooShort: (n: number) => w(`至少 ${n} 个字`, `At least ${n} characters`),
  notAnInstant: w('请填写有效的日期和时间', 'Enter a valid date and time'),
  notInFuture: w('不能晚于现在', 'Cannot be in the future'),
  recorded: w('已记录，个案已更新。', 'Recorded; the case is updated.'),
  evidenceRef: w('证据或文书编号', 'Evidence or document reference'),
  reason: w('理由', 'Reason'),

  // Placements (CN 四(三))
  decisionTitle: w('记录安置决定（期满须作出决定）', 'Record the placement decision (required at the cap)'),
  decisionHint: w(
    'CN 四(三)：短期临时监护原则上不超过1个月，中长期原则上不超过6个月；期满须决定去向。',
    'CN 四(三): short-term at most 1 month, medium/long-term at most 6 months in principle; at the cap a decision is required.',
  ),
  decisionKind: w('决定', 'Decision'),
  decisionKinds: {
    return_home: w('经评估后返回家庭', 'Return home after an assessment'),
    move_to_long_term: w('转入中长期临时监护（儿童福利机构）', 'Move to medium/long-term guardianship'),
    escort_to_registration_place: w('护送至户籍地民政部门', 'Escort to the registration place'),
    new_guardian: w('交由法院指定的新监护人', 'Hand to the court-designated guardian'),
    permanent_arrangement: w('长期安置（FT 三(一)4(2)）', 'Permanent arrangement (FT 三(一)4(2))'),
  } as Record<string, Words>,
  arrangement: w('安置方式', 'Arrangement'),
  arrangements: {
    kinship_care: w('亲属抚养', 'Kinship care'),
    family_foster_care: w('家庭寄养', 'Family foster care'),
    institutional_care: w('机构养育', 'Institutional care'),
    adoption_referral: w('依法送养（转介收养）', 'Referral for adoption'),
    registration_place_welfare_institution: w(
      '户籍所在地儿童福利机构收留抚养',
      'Welfare institution of the registration place',
    ),
    civil_affairs_guardianship: w('民政部门担任监护人（法院指定）', 'Civil affairs as guardian (court-designated)'),
  } as Record<string, Words>,
  arrangementHint: w(
    'FT 三(一)4(2)：亲属抚养、家庭寄养、机构养育、送养须有法院撤销监护资格的判决或公安机关寻亲未果的书面证明；民政部门监护须有法院指定。',
    'FT 三(一)4(2): kinship, foster, institutional care and adoption need a court revocation or the police certificate; civil-affairs guardianship needs the court designation.',
  ),
  arrangementCourtRef: w('法院指定判决书编号（民政部门监护时填写）', 'Court judgment (for civil-affairs guardianship)'),
  assessmentRef: w('返家评估（任务或文书编号）', 'Return assessment (task or document reference)'),
  registrationPlace: w('户籍地', 'Place of household registration'),
  courtRef: w('法院判决书编号', 'Court judgment reference'),
  decisionSubmit: w('提交决定', 'Record the decision'),
  extensionTitle: w('批准延长安置（协调员，须说明理由）', 'Approve an extension (coordinators, with the reason)'),
  extendDays: w('延长天数', 'Extend by (days)'),
  extendDaysInvalid: w('请填写 1 到 180 之间的整数', 'A whole number from 1 to 180'),
  extensionSubmit: w('批准延长', 'Approve the extension'),
  certificateTitle: w('登记公安机关书面证明（寻亲未果）', "Record the police's written certificate (search failed)"),
  certificateHint: w(
    'CN 四(三)：查找不到父母及近亲属的，由公安机关开具书面证明后方可转入中长期临时监护。',
    'CN 四(三): medium/long-term guardianship only after the police certify in writing that the search failed.',
  ),
  certificateRef: w('证明文书编号', 'Certificate reference'),
  issuedAt: w('开具时间', 'Issued at'),
  certificateSubmit: w('登记证明', 'Record the certificate'),

  // Legal ladder (CN 四(四)3)
  legalTitle: w('记录法律措施（公安机关）', 'Record a legal step (police)'),
  legalHint: w(
    'CN 四(四)3：情节轻微的批评教育或出具告诫书；继续侵害的依法给予治安处罚；涉嫌犯罪的移送司法机关。',
    'CN 四(四)3: criticism or a written warning for mild cases; a penalty for continued infringement; a suspected crime is transferred to the judicial organs.',
  ),
  legalStep: w('措施', 'Step'),
  legalSteps: {
    criticism_education: w('批评教育', 'Criticism and education'),
    written_warning: w('出具告诫书', 'Written warning (告诫书)'),
    administrative_penalty: w('治安管理处罚', 'Administrative penalty'),
    judicial_transfer: w('移送司法机关', 'Transfer to the judicial organs'),
  } satisfies Record<LegalStep, Words>,
  occurredAt: w('实施时间', 'When'),
  legalSubmit: w('记录措施', 'Record the step'),

  // Neglect clock and revocation (CN 四(四)3)
  refusalTitle: w('记录监护人拒不履行监护职责', 'Record that the guardian refuses their duties'),
  refusalHint: w(
    'CN 四(四)3：拒不履行监护职责6个月以上、导致儿童生活无着的，可申请撤销监护资格。从拒不履行之日起计时。',
    'CN 四(四)3: refusing duties for 6 months or more, leaving the child without means of living, is a ground for revocation. The clock counts from when the refusal began.',
  ),
  since: w('开始拒不履行的日期', 'Refusing since'),
  withoutMeans: w('儿童因此生活无着', 'The child is left without means of living'),
  refusalSubmit: w('开始计时', 'Start the clock'),
  resumedTitle: w('记录监护人恢复履行监护职责', 'Record that the guardian resumed their duties'),
  resumedAt: w('恢复履行的时间', 'Resumed at'),
  resumedSubmit: w('停止计时', 'Stop the clock'),
  groundTitle: w('记录撤销监护资格的事由', 'Record a ground for revoking guardianship'),
  groundHint: w(
    'CN 四(四)3：记录后即向法院提出撤销监护资格申请的任务（默认由民政部门申请）。',
    'CN 四(四)3: recording a ground opens the petition task at once (civil affairs petitions by default).',
  ),
  ground: w('事由', 'Ground'),
  grounds: {
    unattended_in_danger: w(
      '置儿童于危险境地且经教育不改',
      'Left the child unattended in danger, unchanged after education',
    ),
    refused_duties_six_months: w(
      '拒不履行监护职责6个月以上，致儿童生活无着',
      'Refused duties 6 months or more, child without means',
    ),
    serious_harm: w(
      '以暴力、虐待、遗弃等严重损害儿童身心健康',
      'Seriously harmed the child (violence, abuse, abandonment)',
    ),
    other_statutory: w('其他法定情形', 'Other statutory grounds'),
  } satisfies Record<RevocationGround, Words>,
  groundSubmit: w('记录事由', 'Record the ground'),

  // Services (CN 四(四))
  servicesTitle: w('申请临时监护期间的服务', 'Request services'),
  servicesHint: w(
    'CN 四(四)：日常照料、教育、心理疏导、医疗、法律援助，分别由相关部门承办。',
    'CN 四(四): daily care, schooling, psychological support, medical care and legal aid, each by its agency.',
  ),
  services: w('服务', 'Services'),
  serviceKinds: {
    daily_care: w('日常生活照料', 'Daily care'),
    schooling: w('教育（送教或志愿者）', 'Schooling'),
    psychological_support: w('心理疏导与家庭教育指导', 'Psychological support'),
    medical_care: w('医疗救治', 'Medical care'),
    legal_aid: w('法律援助', 'Legal aid'),
  } satisfies Record<ServiceKind, Words>,
  servicesNone: w('至少选择一项服务', 'Choose at least one service'),
  servicesSubmit: w('开启服务任务', 'Open the service tasks'),

  // Closure and reopening
  closureTitle: w('批准结案（协调员，须说明理由）', 'Approve closing the case (coordinators, with the reason)'),
  closureHint: w(
    '结案前须完成所有任务、结束所有安置；非本地户籍儿童须户籍地确认接收。',
    'Every task done and every placement decided first; a non-local child only after the registration place confirms.',
  ),
  closureSubmit: w('批准结案', 'Close the case'),
  reopenTitle: w('重新开启个案（协调员，须说明理由）', 'Reopen the case (coordinators, with the reason)'),
  reopenSubmit: w('重新开启', 'Reopen'),

  // Sealing (FT 三(三)2(5))
  sealTitle: w('封存未成年人犯罪记录（法院）', 'Seal the juvenile record (court)'),
  unsealTitle: w('解除封存（法院）', 'Unseal the record (court)'),
  sealHint: w(
    'FT 三(三)2(5)：依法封存未成年人犯罪记录。封存后仅法院、检察院可查阅，其他部门看不到儿童档案。操作留痕。',
    'FT 三(三)2(5): juvenile criminal records are sealed. Once sealed only the court and the procuratorate see the file. Audited.',
  ),
  sealRef: w('法院决定文书编号', 'Court decision reference'),
  sealSubmit: w('封存记录', 'Seal the record'),
  unsealSubmit: w('解除封存', 'Unseal'),
  sealedNote: w(
    '该儿童的记录已依法封存（FT 三(三)2(5)），仅法院、检察院可查阅。',
    "This child's record is sealed (FT 三(三)2(5)); only the court and the procuratorate may read it.",
  ),
};

/** A failure refused by the workflow, in words, with the clause it enforces (shown beside the form). */
export const REFUSALS: Record<string, { clause?: string; words: Words }> = {
  NoCourtDesignation: {
    clause: 'CN 四(四)3',
    words: w(
      '须有法院撤销监护资格并指定监护人的判决（民政部门监护须法院指定民政部门）',
      'needs the court judgment revoking the guardian and designating the new one (civil affairs only if designated)',
    ),
  },
  ArrangementNotAllowed: {
    clause: 'FT 三(一)4(2)',
    words: w(
      '长期安置须有法院撤销监护资格的判决或公安机关寻亲未果的书面证明',
      'a permanent arrangement needs a court revocation or the police certificate that the parents cannot be found',
    ),
  },
  NoPoliceCertificate: {
    clause: 'CN 四(三)',
    words: w(
      '中长期临时监护须公安机关开具书面证明',
      "medium/long-term guardianship needs the police's written certificate",
    ),
  },
  PlacementEnded: { words: w('该安置已结束，不能再作决定', 'this placement has ended') },
  InvalidCommand: { words: w('无法记录：内容不符合要求', 'not recorded: the command is not valid') },
  IllegalLegalStep: {
    clause: 'CN 四(四)3',
    words: w(
      '法律措施须依次进行：批评教育或告诫书，继续侵害的予以处罚，涉嫌犯罪的移送司法机关',
      'legal steps follow the ladder: criticism or a warning, a penalty for continued infringement, transfer for a crime',
    ),
  },
  NeglectClockRunning: {
    clause: 'CN 四(四)3',
    words: w('已有一段拒不履行监护职责的记录正在计时', 'a refusal of duties is already on the clock'),
  },
  NeglectClockNotRunning: {
    clause: 'CN 四(四)3',
    words: w('当前没有正在计时的拒不履行监护职责记录', 'no refusal of duties is on the clock'),
  },
  GroundNotMet: {
    clause: 'CN 四(四)3',
    words: w('撤销监护资格的法定条件尚未满足', 'the conditions of this ground are not met yet'),
  },
  UnknownPetitioner: {
    clause: 'CN 四(四)3',
    words: w('该单位不能就本案申请撤销监护资格', 'this petitioner cannot petition for this case'),
  },
  CaseNotClosable: {
    clause: 'CN 五(一)',
    words: w('尚有安置或任务未完成，暂不能结案', 'a placement or task is still open: the case cannot close yet'),
  },
  CaseClosed: { words: w('个案已结案', 'the case is closed') },
  CaseNotClosed: { words: w('个案尚未结案', 'the case is not closed') },
};

export const GENERIC = {
  forbidden: w('您的角色或单位无权进行此操作', 'your role or agency may not do this'),
  notFound: w('未找到该个案或安置，或不在您的职责范围内', 'no such case or placement within your responsibility'),
  conflict: w('个案或安置已结束', 'the case or placement has ended'),
  unavailable: w(
    '系统暂时不可用，未写入任何内容，请稍后重试',
    'a service is unavailable; nothing was written, try again',
  ),
  network: w('无法连接服务器，请检查网络后重试', 'cannot reach the server; check the network and try again'),
  failed: w('未能记录', 'not recorded'),
};
