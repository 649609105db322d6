/** The signed-in person's in-app inbox: what ChildSafe notified them of, newest first, and marking an entry read. */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../common/errors';
import { notificationIdParams, notificationInboxQuery, notificationView } from '../../contracts/notifications';
import { type NotificationRecord, type NotificationRepository } from '../../models/notification';
import type { Actor } from '../auth/actor';
import { ROLES } from '../auth/roles';
import { ledgerChildrenNamed, type LedgerChildNamed } from '../read-models/ledger';
import { noticeTiming, taskProgress, type TaskProgress } from '../read-models/notification-timing';
import { createApiRouter } from '../http/api-router';

function viewOf(
  entry: NotificationRecord,
  timing: { overdue: boolean; done: boolean },
  child: LedgerChildNamed | undefined,
): z.input<typeof notificationView> {
  return {
    id: String(entry._id),
    kind: entry.kind,
    subject: entry.subject,
    link: entry.links[0]?.href ?? null,
    ...(entry.taskId ? { taskId: entry.taskId } : {}),
    ...(entry.caseId ? { caseId: entry.caseId } : {}),
    ...(entry.childId ? { childId: entry.childId } : {}),
    ...(child ? { child } : {}),
    ...(entry.agencyName?.zh && entry.agencyName.en
      ? { agency: { name: { zh: entry.agencyName.zh, en: entry.agencyName.en } } }
      : {}),
    ...(entry.dueAt ? { dueAt: entry.dueAt.toISOString() } : {}),
    level: entry.kind === 'task_escalated' ? (entry.escalationLevel ?? null) : null,
    ...timing,
    createdAt: entry.createdAt.toISOString(),
    read: Boolean(entry.readAt),
    readAt: entry.readAt ? entry.readAt.toISOString() : null,
  };
}

export interface NotificationRouterDependencies {
  notifications: Pick<NotificationRepository, 'listInbox' | 'markRead' | 'markAllRead'>;
  authenticate: RequestHandler;
  now?: () => Date;
  /** The tasks the entries are about (when their steps were done); the task projection by default. */
  tasks?: (taskIds: readonly string[]) => Promise<Map<string, TaskProgress>>;
  /** The children ledger notices are about, named for the reader (the ledger's reach); the child files by default. */
  ledgerChildren?: (actor: Actor, childIds: readonly string[]) => Promise<Map<string, LedgerChildNamed>>;
}

export function createNotificationRouter(deps: NotificationRouterDependencies): Router {
  const api = createApiRouter({ tag: 'notifications', authenticate: deps.authenticate });
  const now = deps.now ?? (() => new Date());
  const tasks = deps.tasks ?? taskProgress;
  const ledgerChildren = deps.ledgerChildren ?? ledgerChildrenNamed;
  const views = async (actor: Actor, entries: NotificationRecord[]) => {
    const childIds = [...new Set(entries.flatMap((e) => (e.childId ? [e.childId] : [])))];
    const [progress, children] = await Promise.all([
      tasks(entries.flatMap((e) => (e.taskId ? [e.taskId] : []))),
      childIds.length ? ledgerChildren(actor, childIds) : new Map<string, LedgerChildNamed>(),
    ]);
    const at = now();
    return entries.map((e) =>
      viewOf(
        e,
        noticeTiming(e, e.taskId ? progress.get(e.taskId) : undefined, at),
        e.childId ? children.get(e.childId) : undefined,
      ),
    );
  };

  api.route(
    {
      method: 'get',
      path: '/',
      summary: 'My inbox, newest first',
      roles: ROLES,
      request: { query: notificationInboxQuery },
      response: { status: 200, description: 'Inbox entries', schema: z.object({ items: z.array(notificationView) }) },
    },
    async ({ actor, query }) => {
      const entries = await deps.notifications.listInbox(actor.userId, {
        limit: query.limit,
        unreadOnly: query.unread === 'true',
      });
      return { items: await views(actor, entries) };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/:id/read',
      summary: 'Mark one of my inbox entries read',
      description: "Another person's entry answers 404, as if it did not exist.",
      roles: ROLES,
      request: { params: notificationIdParams },
      response: { status: 200, description: 'The entry, read', schema: notificationView },
      errors: [ErrorCode.NotFound],
    },
    async ({ actor, params }) => {
      const entry = await deps.notifications.markRead(params.id, actor.userId, now());
      if (!entry) throw new AppError(ErrorCode.NotFound, 'No such notification');
      return (await views(actor, [entry]))[0]!;
    },
  );

  api.route(
    {
      method: 'post',
      path: '/read-all',
      summary: 'Mark all my unread inbox entries read',
      roles: ROLES,
      request: {},
      response: {
        status: 200,
        description: 'How many entries were marked read',
        schema: z.object({ marked: z.number().int().min(0) }),
      },
    },
    async ({ actor }) => ({ marked: await deps.notifications.markAllRead(actor.userId, now()) }),
  );

  return api.router;
}
