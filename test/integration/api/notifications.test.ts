/** The in-app inbox through the HTTP stack: entries the delivery activity stored, for their recipient only. */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { connectTestDatabase } from '../../helpers/mongo';
import { DEMO_PASSWORD, seedDemoUsers } from '../../../api/auth/demo-users';
import { createNotificationDelivery } from '../../../activities/notification-delivery';
import { NotificationModel } from '../../../models/notification';
import { UserModel } from '../../../models/user';
import { createTestApi } from './api-harness';

jest.setTimeout(60_000); // routers on the real FerretDB and Temporal dev server: requests wait for workflows and their projections

const POLICE = 'police.huayang@changning.demo.childsafe.local';
const STREET = 'street.huayang@changning.demo.childsafe.local';

let drop: () => Promise<void>;
let api: ReturnType<typeof createTestApi>;
const tokens: Record<string, string> = {};
const userIds: Record<string, string> = {};

beforeAll(async () => {
  drop = await connectTestDatabase('inbox');
  await Promise.all([UserModel.init(), NotificationModel.init()]);
  api = createTestApi();
  await seedDemoUsers(api.users, { environment: 'test' });
  for (const email of [POLICE, STREET]) {
    const res = await request(api.app).post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD });
    tokens[email] = res.body.token as string;
    userIds[email] = res.body.user.id as string;
  }
});
afterAll(() => drop());

const as = (email: string, req: request.Test) => req.set('authorization', `Bearer ${tokens[email]}`);

async function notifyPolice(kind: 'task_created' | 'task_reminder', taskId: string) {
  // Only the inbox is exercised here; the transport accepts everything.
  const delivery = createNotificationDelivery({
    transport: { sendMail: async () => ({}) as never },
    notifications: api.notifications,
    mailFrom: 'noreply@childsafe.local',
    publicUrl: 'http://127.0.0.1:3000',
  });
  await delivery.deliver({
    idempotencyKey: `case-${taskId}:${kind}`,
    kind,
    recipients: [{ email: POLICE, userId: userIds[POLICE], agencyCode: 'cn.police.huayang' }],
    taskId,
    caseId: 'case-inbox-child',
    caseNumber: '长宁-2026-000042',
    taskLabel: { zh: '紧急响应', en: 'Emergency response' },
    dueAt: '2026-11-23T09:30:00.000Z',
  });
}

describe('the inbox', () => {
  it('lists my notifications newest first, with only the fields the contract names', async () => {
    const first = `task-${randomUUID().slice(0, 8)}`;
    const second = `task-${randomUUID().slice(0, 8)}`;
    await notifyPolice('task_created', first);
    await new Promise((r) => setTimeout(r, 5));
    await notifyPolice('task_reminder', second);
    await notifyPolice('task_reminder', second); // a retried activity adds nothing

    const res = await as(POLICE, request(api.app).get('/api/v1/notifications'));
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items.map((i: { taskId: string }) => i.taskId)).toEqual([second, first]);
    expect(res.body.items[1]).toEqual({
      id: expect.stringMatching(/^[a-f0-9]{24}$/),
      kind: 'task_created',
      // The case by its readable number; its id only in the fields a link is built from.
      subject:
        '[ChildSafe] 新任务：紧急响应（案件 长宁-2026-000042） / New task: Emergency response (case 长宁-2026-000042)',
      link: `http://127.0.0.1:3000/tasks/${first}`,
      taskId: first,
      caseId: 'case-inbox-child',
      dueAt: '2026-11-23T09:30:00.000Z',
      // No escalation; its accept deadline has passed and no projected task says it was accepted in time.
      level: null,
      overdue: true,
      done: false,
      createdAt: expect.any(String),
      read: false,
      readAt: null,
    });
  });

  it('shows nobody else my notifications, and answers 404 when someone else marks one read', async () => {
    const mine = (await as(POLICE, request(api.app).get('/api/v1/notifications'))).body.items as { id: string }[];
    const theirs = await as(STREET, request(api.app).get('/api/v1/notifications'));
    expect(theirs.body.items).toEqual([]);
    const res = await as(STREET, request(api.app).post(`/api/v1/notifications/${mine[0]!.id}/read`));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'NOT_FOUND', message: 'No such notification' });
  });

  it('marks an entry read once, keeps the first time on a second read, and filters unread entries', async () => {
    const before = (await as(POLICE, request(api.app).get('/api/v1/notifications?unread=true'))).body.items as {
      id: string;
    }[];
    const target = before[0]!.id;
    const read = await as(POLICE, request(api.app).post(`/api/v1/notifications/${target}/read`));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ read: true, readAt: expect.any(String) });
    const again = await as(POLICE, request(api.app).post(`/api/v1/notifications/${target}/read`));
    expect(again.body.readAt).toBe(read.body.readAt);
    const unread = (await as(POLICE, request(api.app).get('/api/v1/notifications?unread=true'))).body.items as {
      id: string;
    }[];
    expect(unread.map((i) => i.id)).toEqual(before.slice(1).map((i) => i.id));
    const limited = await as(POLICE, request(api.app).get('/api/v1/notifications?limit=1'));
    expect(limited.body.items).toHaveLength(1);
  });

  it('validates the id, the query and requires a session', async () => {
    const badId = await as(POLICE, request(api.app).post('/api/v1/notifications/not-an-id/read'));
    expect(badId.status).toBe(400);
    expect(badId.body.details.fields).toEqual([{ field: 'params.id', message: 'must be a notification id' }]);
    const badQuery = await as(POLICE, request(api.app).get('/api/v1/notifications?limit=1000&sort=desc'));
    expect(badQuery.status).toBe(400);
    expect((badQuery.body.details.fields as { field: string }[]).map((f) => f.field).sort()).toEqual([
      'query.limit',
      'query.sort',
    ]);
    expect((await request(api.app).get('/api/v1/notifications')).status).toBe(401);
  });
});
