/** The signed-in person's in-app inbox: what ChildSafe notified them of, newest first, and marking an entry read. */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../common/errors';
import { notificationIdParams, notificationInboxQuery, notificationView } from '../../contracts/notifications';
import { type NotificationRecord, type NotificationRepository } from '../../models/notification';
import { ROLES } from '../auth/roles';
import { createApiRouter } from '../http/api-router';

function viewOf(entry: NotificationRecord): z.input<typeof notificationView> {
  return {
    id: String(entry._id),
    kind: entry.kind,
    subject: entry.subject,
    link: entry.links[0]?.href ?? null,
    ...(entry.taskId ? { taskId: entry.taskId } : {}),
    ...(entry.caseId ? { caseId: entry.caseId } : {}),
    ...(entry.dueAt ? { dueAt: entry.dueAt.toISOString() } : {}),
    createdAt: entry.createdAt.toISOString(),
    read: Boolean(entry.readAt),
    readAt: entry.readAt ? entry.readAt.toISOString() : null,
  };
}

export interface NotificationRouterDependencies {
  notifications: Pick<NotificationRepository, 'listInbox' | 'markRead'>;
  authenticate: RequestHandler;
  now?: () => Date;
}

export function createNotificationRouter(deps: NotificationRouterDependencies): Router {
  const api = createApiRouter({ tag: 'notifications', authenticate: deps.authenticate });
  const now = deps.now ?? (() => new Date());

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
      return { items: entries.map(viewOf) };
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
      return viewOf(entry);
    },
  );

  return api.router;
}
