/** Appending to and reading the audit log. */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { isDuplicateKeyError, isOnlyDuplicateKeyErrors } from './common';
import { AuditEventModel, type AuditEventRecord, type ACTOR_KINDS } from './audit-event';

export interface AuditActor {
  kind: (typeof ACTOR_KINDS)[number];
  id: string;
}

export interface AuditEntry {
  /** Idempotency key (workflow id + logical step for activities); omitted for one-off events. */
  key?: string;
  actor: AuditActor;
  action: string;
  childId?: Types.ObjectId;
  caseWorkflowId?: string;
  reason?: string;
  at?: Date;
  details?: Record<string, unknown>;
}

const auditDocument = (entry: AuditEntry) => ({
  eventKey: entry.key ?? randomUUID(),
  actor: entry.actor,
  action: entry.action,
  childId: entry.childId,
  caseWorkflowId: entry.caseWorkflowId,
  reason: entry.reason,
  at: entry.at ?? new Date(),
  details: entry.details,
});

/** Records an event once per key; `recorded: false` means a retry found it already there. */
export async function appendAudit(entry: AuditEntry): Promise<{ recorded: boolean }> {
  try {
    await AuditEventModel.create(auditDocument(entry));
    return { recorded: true };
  } catch (error) {
    if (isDuplicateKeyError(error)) return { recorded: false };
    throw error;
  }
}

/**
 * Records several events in one insert (one write behind the store's writer instead of one per event), each once per
 * key: an event a retry finds already there is skipped, the others are still written (unordered insert).
 */
export async function appendAuditMany(entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  if (entries.length === 1) {
    await appendAudit(entries[0]!);
    return;
  }
  try {
    await AuditEventModel.insertMany(entries.map(auditDocument), { ordered: false });
  } catch (error) {
    if (!isOnlyDuplicateKeyErrors(error)) throw error;
  }
}

/** A child's audit trail, oldest first. */
export function auditTrailForChild(childId: Types.ObjectId): Promise<AuditEventRecord[]> {
  return AuditEventModel.find({ childId }).sort({ at: 1, _id: 1 }).lean<AuditEventRecord[]>().exec();
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The audit entries of a case (its own and its tasks', whose workflow ids start with the case's) and/or of a child's
 * file, newest first. The caller has already checked that the case or file is within the reader's jurisdiction.
 */
export function auditTrail(filter: { caseId?: string; childId?: string; limit: number }): Promise<AuditEventRecord[]> {
  const conditions: Record<string, unknown>[] = [];
  if (filter.caseId)
    conditions.push({
      $or: [{ caseWorkflowId: filter.caseId }, { caseWorkflowId: { $regex: `^${escapeRegex(filter.caseId)}/` } }],
    });
  if (filter.childId) conditions.push({ childId: new Types.ObjectId(filter.childId) });
  return AuditEventModel.find({ $and: conditions })
    .sort({ at: -1 })
    .limit(filter.limit)
    .lean<AuditEventRecord[]>()
    .exec();
}
