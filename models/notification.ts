/**
 * Notifications: one document per (event, channel, recipient), found by an idempotency key with a unique index, so
 * a retried or replayed activity notifies once. Email documents move pending → sending → sent | failed, and an
 * interrupted 'sending' is claimed and sent again ('unconfirmed' is only found in records of an earlier version,
 * which never resent; activities/notification-delivery.ts explains the states); inbox documents are the in-app inbox, 'sent' when
 * stored, and carry `readAt` once their recipient has read them. Neither ever holds a child's name.
 */
import { randomUUID } from 'node:crypto';
import { Schema, isValidObjectId, model, type InferSchemaType, type Model, type Types } from 'mongoose';
import { isDuplicateKeyError } from './common';

import { NOTIFICATION_KINDS, type NotificationKind } from '../contracts/enums';

export { NOTIFICATION_KINDS, type NotificationKind };
export const NOTIFICATION_CHANNELS = ['email', 'inbox'] as const;
export const NOTIFICATION_STATUSES = ['pending', 'sending', 'sent', 'failed', 'unconfirmed'] as const;

const recipientSchema = new Schema(
  {
    userId: String,
    email: { type: String, required: true },
    agencyCode: String,
  },
  { _id: false },
);

const linkSchema = new Schema(
  { rel: { type: String, required: true }, href: { type: String, required: true } },
  { _id: false },
);

const notificationSchema = new Schema(
  {
    /** `<event key>:<channel>:<recipient>`; the event key is workflow id + logical key, never the run id. */
    idempotencyKey: { type: String, required: true, unique: true },
    eventKey: { type: String, required: true },
    recipient: { type: recipientSchema, required: true },
    channel: { type: String, enum: NOTIFICATION_CHANNELS, required: true },
    kind: { type: String, enum: NOTIFICATION_KINDS, required: true },
    status: { type: String, enum: NOTIFICATION_STATUSES, required: true, default: 'pending' },
    /** Email sends started (claims), including the one that succeeded. */
    attempts: { type: Number, required: true, default: 0 },
    lastError: String,
    /** When the current send was claimed; a claim older than the in-flight limit was interrupted. */
    claimedAt: Date,
    /** Set once, by the attempt whose insert created the record already claimed (ensureClaimed): how it knows. */
    claimToken: String,
    sentAt: Date,
    messageId: String,
    subject: { type: String, required: true },
    links: { type: [linkSchema], default: [] },
    taskId: String,
    caseId: String,
    /** The child file a ledger notice is about (its id: the inbox reads the name when the reader may see it). */
    childId: String,
    dueAt: Date,
    /** An escalation's level, counted from 1 as the task's ladder counts its rungs (workflows/agency-task.workflow.ts). */
    escalationLevel: Number,
    /** A notice that did not arrive (delivery_failed, missed_notice): the agency not told, by name (whom to call). */
    agencyName: { type: new Schema({ zh: String, en: String }, { _id: false }), default: undefined },
    readAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'notifications' },
);

// GET /notifications: one person's inbox, newest first.
notificationSchema.index({ 'recipient.userId': 1, channel: 1, createdAt: -1 });
// Operations: email that failed or is stuck, oldest first.
notificationSchema.index({ channel: 1, status: 1, updatedAt: 1 });

export type Notification = InferSchemaType<typeof notificationSchema>;
export type NotificationRecord = Notification & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export interface NewNotification {
  idempotencyKey: string;
  eventKey: string;
  recipient: { userId?: string; email: string; agencyCode?: string };
  channel: (typeof NOTIFICATION_CHANNELS)[number];
  kind: NotificationKind;
  /** Email starts pending; an inbox entry is delivered once stored. */
  status: 'pending' | 'sent';
  subject: string;
  links: { rel: string; href: string }[];
  taskId?: string;
  caseId?: string;
  childId?: string;
  dueAt?: Date;
  escalationLevel?: number;
  agencyName?: { zh: string; en: string };
}

export const NotificationModel = model('Notification', notificationSchema);

export function createNotificationRepository(notifications: Model<Notification> = NotificationModel) {
  const byKey = (idempotencyKey: string) => notifications.findOne({ idempotencyKey }).lean<NotificationRecord>();
  return {
    /** The record for this key, created from `record` if there is none yet. */
    async ensure(record: NewNotification): Promise<NotificationRecord> {
      try {
        const found = await notifications
          .findOneAndUpdate(
            { idempotencyKey: record.idempotencyKey },
            { $setOnInsert: record },
            { upsert: true, new: true },
          )
          .lean<NotificationRecord>();
        return found!;
      } catch (err) {
        // Two attempts created it at the same moment; the other one won.
        if (!isDuplicateKeyError(err)) throw err;
        return (await byKey(record.idempotencyKey))!;
      }
    },

    findByKey: byKey,

    /**
     * An email's record, created already claimed ('sending', one attempt, claimed `at`) when there is none yet:
     * `claimed` is true for exactly the caller whose insert created it, which sends without a separate claim (issue
     * #19: one write fewer per email). A record that was there is returned as it is, for the usual states.
     */
    async ensureClaimed(record: NewNotification, at: Date): Promise<{ record: NotificationRecord; claimed: boolean }> {
      const claimToken = randomUUID();
      try {
        const found = await notifications
          .findOneAndUpdate(
            { idempotencyKey: record.idempotencyKey },
            { $setOnInsert: { ...record, status: 'sending', claimedAt: at, attempts: 1, claimToken } },
            { upsert: true, new: true },
          )
          .lean<NotificationRecord>();
        return { record: found!, claimed: found!.claimToken === claimToken };
      } catch (err) {
        // Two attempts created it at the same moment; the other one won (and holds the claim).
        if (!isDuplicateKeyError(err)) throw err;
        return { record: (await byKey(record.idempotencyKey))!, claimed: false };
      }
    },

    /** pending → sending, atomically: true for exactly one caller. */
    async claim(idempotencyKey: string, at: Date): Promise<boolean> {
      const result = await notifications.updateOne(
        { idempotencyKey, status: 'pending' },
        { $set: { status: 'sending', claimedAt: at }, $inc: { attempts: 1 } },
      );
      return result.modifiedCount === 1;
    },

    async markSent(idempotencyKey: string, messageId: string, at: Date): Promise<void> {
      await notifications.updateOne(
        { idempotencyKey },
        { $set: { status: 'sent', messageId, sentAt: at }, $unset: { lastError: 1 } },
      );
    },

    /** sending → pending after a temporary failure, so the next attempt may claim it. */
    async release(idempotencyKey: string, error: string): Promise<void> {
      await notifications.updateOne(
        { idempotencyKey, status: 'sending' },
        { $set: { status: 'pending', lastError: error } },
      );
    },

    async markFailed(idempotencyKey: string, error: string): Promise<void> {
      await notifications.updateOne({ idempotencyKey }, { $set: { status: 'failed', lastError: error } });
    },

    /**
     * An interrupted send (still 'sending' past the in-flight limit, or 'unconfirmed' from an earlier version) →
     * 'sending' again, atomically against the claim it replaces: true for exactly one caller.
     */
    async reclaim(
      idempotencyKey: string,
      status: 'sending' | 'unconfirmed',
      claimedAt: Date | null,
      at: Date,
    ): Promise<boolean> {
      const result = await notifications.updateOne(
        { idempotencyKey, status, claimedAt },
        {
          $set: { status: 'sending', claimedAt: at, lastError: 'interrupted between claim and result; sent again' },
          $inc: { attempts: 1 },
        },
      );
      return result.modifiedCount === 1;
    },

    async listInbox(userId: string, options: { limit: number; unreadOnly: boolean }): Promise<NotificationRecord[]> {
      const filter = { 'recipient.userId': userId, channel: 'inbox', ...(options.unreadOnly ? { readAt: null } : {}) };
      return notifications
        .find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .limit(options.limit)
        .lean<NotificationRecord[]>();
    },

    /** Marks one of the user's own inbox entries read; null when there is no such entry for this user. */
    async markRead(id: string, userId: string, at: Date): Promise<NotificationRecord | null> {
      if (!isValidObjectId(id)) return null;
      const own = { _id: id, 'recipient.userId': userId, channel: 'inbox' };
      // Only the first read is recorded: reading again keeps the original time.
      await notifications.updateOne({ ...own, readAt: null }, { $set: { readAt: at } });
      return notifications.findOne(own).lean<NotificationRecord>();
    },

    /** Marks every unread inbox entry of the user read; answers how many were. */
    async markAllRead(userId: string, at: Date): Promise<number> {
      const result = await notifications.updateMany(
        { 'recipient.userId': userId, channel: 'inbox', readAt: null },
        { $set: { readAt: at } },
      );
      return result.modifiedCount;
    },
  };
}

export type NotificationRepository = ReturnType<typeof createNotificationRepository>;
