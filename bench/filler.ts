/**
 * Filler records for the scale measurements (bench/store-scale.ts, BENCH_SCALE in bench/run.ts): cases, their police
 * tasks and the tasks' inbox notices, shaped as the projections and the notifier write them, for Changning's streets.
 * Written straight through the driver in batches (no projection logic runs); a filler record is never any measured
 * operation's own.
 */
import mongoose from 'mongoose';
import { CaseModel, TaskModel } from '../models';
import { NotificationModel } from '../models/notification';

export const DISTRICT = '310105';
/** Streets the filler goes to: Changning's, except Huayang (the measured street of bench/store-scale.ts). */
export const OTHER_STREETS = ['jiangsu', 'xinhua', 'zhoujiaqiao', 'tianshan', 'xianxia', 'hongqiao', 'chengjiaqiao'];
const BATCH = 1_000;

const now = new Date();
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

export function caseDoc(i: number, street: string) {
  const workflowId = `case-${street}-${String(i).padStart(7, '0')}`;
  return {
    workflowId,
    childId: new mongoose.Types.ObjectId(),
    jurisdiction: { districtCode: DISTRICT, streetCode: street, committeeCode: `${street}-1` },
    stage: ['response', 'assessment', 'intervention', 'monitoring'][i % 4],
    policyPackId: 'cn-changning',
    policyPackVersion: '1.3.0',
    openedAt: at(-60 * 24 * (i % 90)),
    openTaskCount: 1,
    nextDeadline: at((i % 200) - 100),
    riskLevel: ['unassessed', 'low', 'medium', 'high'][i % 4],
    categories: ['left_behind'],
    caseNumber: `CN-2026-${String(i).padStart(6, '0')}`,
    agencyCodes: [`cn.police.${street}`, `cn.street.${street}`],
    openTaskIds: [`${workflowId}/task-1-police_response`],
    clocks: [{ id: 'assessment', label: '评估', clause: 'CN 四(三)', startedAt: at(-60), firesAt: at(60 * 24 * 3) }],
    // What models/projection-repository.ts clockSummary derives from the clocks on every projection write.
    clockPending: true,
    nextClockAt: at(60 * 24 * 3),
    projectionVersion: 3,
  };
}

export function taskDoc(i: number, street: string) {
  const caseWorkflowId = `case-${street}-${String(i).padStart(7, '0')}`;
  const accepted = i % 3 !== 0;
  return {
    taskId: `${caseWorkflowId}/task-1-police_response`,
    caseWorkflowId,
    kind: 'police_response',
    agencyCode: `cn.police.${street}`,
    agencyType: 'police_station',
    concerns: ['living_alone'],
    openedAt: at(-120),
    policyPackId: 'cn-changning',
    policyPackVersion: '1.3.0',
    status: accepted ? 'accepted' : 'open',
    acceptDueAt: at(-100 + (i % 200)),
    completeDueAt: at((i % 400) - 100),
    ...(accepted ? { acceptedAt: at(-110) } : {}),
    projectionVersion: 2,
  };
}

export function notificationDoc(i: number, street: string) {
  const taskId = `case-${street}-${String(i).padStart(7, '0')}/task-1-police_response`;
  return {
    idempotencyKey: `${taskId}:assigned:inbox:${street}-${i}`,
    eventKey: `${taskId}:assigned`,
    recipient: {
      userId: new mongoose.Types.ObjectId().toHexString(),
      email: `${street}@x.test`,
      agencyCode: `cn.police.${street}`,
    },
    channel: 'inbox',
    kind: 'task_created',
    status: 'sent',
    attempts: 0,
    subject: '新任务：警情处置 New task: police response',
    links: [{ rel: 'task', href: `/tasks/${encodeURIComponent(taskId)}` }],
    taskId,
    dueAt: at(60),
    readAt: null,
    createdAt: at(-(i % 1000)),
    updatedAt: at(-(i % 1000)),
  };
}

/** Adds filler number `from` up to `to` (exclusive) to each of the three collections. */
export async function insertFiller(from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    const make = <T>(doc: (i: number, street: string) => T) =>
      Array.from({ length: end - start }, (_, k) => doc(start + k, OTHER_STREETS[(start + k) % OTHER_STREETS.length]!));
    await CaseModel.collection.insertMany(make(caseDoc), { ordered: false });
    await TaskModel.collection.insertMany(make(taskDoc), { ordered: false });
    await NotificationModel.collection.insertMany(make(notificationDoc), { ordered: false });
  }
}
