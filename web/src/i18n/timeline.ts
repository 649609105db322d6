/**
 * Words for the case timeline. The API merges the workflow's history (Temporal event types, lower-cased:
 * "workflow_execution_signaled") with the audit log ("task_accepted", "child_file.read") and sends the codes; the
 * page shows these words, and the code itself for anything not listed here, so nothing the API sent is hidden.
 */
import type { Bilingual } from '../../../contracts/common';

export const TIMELINE_ACTIONS: Readonly<Record<string, Bilingual>> = {
  // The case and its tasks (audit log).
  'report.filed': { zh: '报告已提交', en: 'Report filed' },
  report_filed: { zh: '报告并入案件', en: 'Report added to the case' },
  task_opened: { zh: '开立任务', en: 'Task opened' },
  task_created: { zh: '任务已派发', en: 'Task assigned' },
  task_accepted: { zh: '任务已接收', en: 'Task accepted' },
  task_completed: { zh: '任务已办结', en: 'Task completed' },
  task_declined: { zh: '任务被退回', en: 'Task declined' },
  task_withdrawn: { zh: '任务已撤销', en: 'Task withdrawn' },
  task_escalated: { zh: '催办升级', en: 'Escalated' },
  deadline_missed: { zh: '超过期限', en: 'Deadline missed' },
  case_decided: { zh: '评估决定', en: 'Assessment decision' },
  late_dispatch_finding: { zh: '发现出警迟延', en: 'Late dispatch found' },
  'child_file.read': { zh: '查阅儿童档案', en: 'Child file read' },
  'child.merged': { zh: '儿童档案合并', en: 'Child files merged' },
  'child.id_number_revealed': { zh: '查看身份证号', en: 'ID number revealed' },
  // The workflow's own history.
  workflow_execution_started: { zh: '流程开始', en: 'Workflow started' },
  workflow_execution_completed: { zh: '流程结束', en: 'Workflow finished' },
  workflow_execution_continued_as_new: { zh: '流程续接', en: 'Workflow continued' },
  workflow_execution_signaled: { zh: '收到通知', en: 'Signal received' },
  workflow_execution_update_accepted: { zh: '收到操作', en: 'Command received' },
  workflow_execution_update_completed: { zh: '操作完成', en: 'Command done' },
  activity_task_scheduled: { zh: '安排系统作业', en: 'System step scheduled' },
  activity_task_completed: { zh: '系统作业完成', en: 'System step done' },
  activity_task_failed: { zh: '系统作业失败', en: 'System step failed' },
  activity_task_timed_out: { zh: '系统作业超时', en: 'System step timed out' },
  timer_started: { zh: '开始计时', en: 'Timer started' },
  timer_fired: { zh: '计时到期', en: 'Timer fired' },
  timer_canceled: { zh: '取消计时', en: 'Timer cancelled' },
  start_child_workflow_execution_initiated: { zh: '创建任务流程', en: 'Task workflow requested' },
  child_workflow_execution_started: { zh: '任务流程开始', en: 'Task workflow started' },
  child_workflow_execution_completed: { zh: '任务流程结束', en: 'Task workflow finished' },
  signal_external_workflow_execution_initiated: { zh: '通知其他流程', en: 'Other workflow signalled' },
  external_workflow_execution_signaled: { zh: '已通知其他流程', en: 'Other workflow notified' },
  upsert_workflow_search_attributes: { zh: '更新检索信息', en: 'Search index updated' },
};

/** "workflow", "workflow:<id>" and "user:<id>" as the timeline shows them. */
export function timelineActor(actor: string): { kind: 'system' | 'user' | 'other'; id?: string } {
  if (actor === 'workflow' || actor.startsWith('workflow:')) return { kind: 'system' };
  if (actor.startsWith('user:')) return { kind: 'user', id: actor.slice('user:'.length) };
  return { kind: 'other', id: actor };
}
