/** Appending to and reading the audit log. */
import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import { isDuplicateKeyError } from './common';
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

/** Records an event once per key; `recorded: false` means a retry found it already there. */
export async function appendAudit(entry: AuditEntry): Promise<{ recorded: boolean }> {
  try {
    await AuditEventModel.create({
      eventKey: entry.key ?? randomUUID(),
      actor: entry.actor,
      action: entry.action,
      childId: entry.childId,
      caseWorkflowId: entry.caseWorkflowId,
      reason: entry.reason,
      at: entry.at ?? new Date(),
      details: entry.details,
    });
    return { recorded: true };
  } catch (error) {
    if (isDuplicateKeyError(error)) return { recorded: false };
    throw error;
  }
}

/** A child's audit trail, oldest first. */
export function auditTrailForChild(childId: Types.ObjectId): Promise<AuditEventRecord[]> {
  return AuditEventModel.find({ childId }).sort({ at: 1, _id: 1 }).lean<AuditEventRecord[]>().exec();
}
