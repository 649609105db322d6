/**
 * Words for the case timeline (contracts/timeline.ts): one entry per business event kind, Chinese first. The record
 * is typed over every kind, so a kind the API may send without words here is a type error, not a code on screen.
 */
import type { Bilingual } from '../../../contracts/common';
import type { TimelineKind } from '../../../contracts/timeline';

export const TIMELINE_KINDS_WORDS: Readonly<Record<TimelineKind, Bilingual>> = {
  report_filed: { zh: '收到强制报告', en: 'Mandatory report received' },
  child_file_opened: { zh: '建立儿童档案', en: "Child's file opened" },
  late_report_finding: { zh: '认定报告迟延', en: 'Late report found' },
  late_dispatch_finding: { zh: '认定出警迟延', en: 'Late dispatch found' },
  case_decided: { zh: '作出评估决定', en: 'Assessment decided' },
  task_created: { zh: '派发任务', en: 'Task assigned' },
  task_to_fallback: { zh: '任务转交区级兜底单位', en: 'Task sent to the district fallback' },
  task_accepted: { zh: '接收任务', en: 'Task accepted' },
  task_completed: { zh: '办结任务', en: 'Task completed' },
  task_declined: { zh: '退回任务', en: 'Task declined' },
  task_withdrawn: { zh: '撤销任务', en: 'Task withdrawn' },
  deadline_missed: { zh: '超过期限', en: 'Deadline missed' },
  task_escalated: { zh: '超期督办', en: 'Escalated' },
  legal_step_recorded: { zh: '记录法律措施', en: 'Legal step recorded' },
  legal_step_out_of_order: { zh: '法律措施顺序不符，未予记录', en: 'Legal step out of order, not recorded' },
  guardian_refusal_recorded: { zh: '记录监护人拒不履行监护职责', en: "Guardian's refusal recorded" },
  guardian_resumed_duties: { zh: '监护人恢复履行职责', en: 'Guardian resumed duties' },
  neglect_threshold_reached: { zh: '拒不履责满六个月', en: 'Six months of neglect reached' },
  revocation_ground_recorded: { zh: '记录撤销监护资格事由', en: 'Ground for revocation recorded' },
  services_requested: { zh: '申请帮扶服务', en: 'Services requested' },
  placement_started: { zh: '开始临时监护', en: 'Temporary guardianship started' },
  placement_decided: { zh: '作出监护安置决定', en: 'Placement decided' },
  placement_extended: { zh: '延长临时监护', en: 'Temporary guardianship extended' },
  return_assessment_completed: { zh: '完成返家评估', en: 'Return assessment completed' },
  guardian_found: { zh: '找到监护人', en: 'Guardian found' },
  police_certificate_recorded: { zh: '登记公安证明', en: 'Police certificate recorded' },
  escort_confirmed: { zh: '确认护送返回', en: 'Escort confirmed' },
  court_decided: { zh: '法院作出判决', en: 'Court decided' },
  case_closed: { zh: '结案', en: 'Case closed' },
  case_reopened: { zh: '重新开案', en: 'Case reopened' },
  guardian_designated: { zh: '法院指定监护人', en: 'Guardian designated by the court' },
  permanent_arrangement_made: { zh: '作出长期安置', en: 'Permanent arrangement made' },
  grading_submitted_for_review: { zh: '等级评定提交保护委员会审议', en: 'Grading submitted to the committee' },
  grading_accepted: { zh: '保护委员会通过等级评定', en: 'Committee accepted the grading' },
  grade_changed: { zh: '保护委员会调整风险等级', en: 'Committee changed the grade' },
  grading_sent_back: { zh: '保护委员会退回等级评定', en: 'Committee sent the grading back' },
  record_sealed: { zh: '封存犯罪记录', en: 'Record sealed' },
  record_unsealed: { zh: '解除封存', en: 'Record unsealed' },
  note_added: { zh: '添加个案记录', en: 'Case note added' },
  attachment_added: { zh: '上传附件', en: 'Attachment uploaded' },
};
