/**
 * Issue #17 item 7 (FT 三(一)4(2) "对多重困境儿童要重点关注、综合帮扶"): a child in multiple difficulty comes first in the
 * case list and in an agency's inbox, then the soonest deadline, and the lists say so (multipleDifficulty, shown as
 * 多重困境). Cases and tasks are written through the real projection activities on FerretDB; the routers answer over
 * them (the Temporal dev server only for the live task state the routers ask for).
 */
import type { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../api/app';
import { createAuditLogSink } from '../../../api/auth/audit';
import { createAuthenticate } from '../../../api/auth/authenticate';
import { createTokenService } from '../../../api/auth/tokens';
import { createCaseRouter } from '../../../api/routes/cases';
import { createTaskRouter } from '../../../api/routes/tasks';
import type { DecidedByRules } from '../../../activities/projection';
import { ensureIndexes } from '../../../models';
import { createUserRepository, UserModel } from '../../../models/user';
import { connectTestDatabase } from '../../helpers/mongo';
import { hoursFromNow, projectCase, projectTask } from '../../helpers/projections';
import { connectDevServer } from '../../helpers/temporal';
import { testConfig } from '../../unit/api/test-config';

jest.setTimeout(60_000); // routers on the real FerretDB (and a Temporal dev server the task routes ask first)

const CN = '310105';
const POLICE = 'cn.police.huayang';
const PACK = { id: 'cn-changning', version: '1.3.0' };

let drop: () => Promise<void>;
let app: Express;
let client: Client;
let connection: Connection;
const tokens: Record<string, string> = {};

/** What the rules decided: two difficulty categories make a multiple-difficulty child (the pack's minCategories). */
function decided(multiple: boolean): DecidedByRules {
  const categories = multiple
    ? [
        { code: 'poverty', clause: 'CN 一', kind: 'difficulty' as const },
        { code: 'disability', clause: 'CN 一', kind: 'difficulty' as const },
      ]
    : [{ code: 'poverty', clause: 'CN 一', kind: 'difficulty' as const }];
  return {
    risk: 'medium',
    classification: {
      categories,
      inDifficulty: true,
      leftBehind: false,
      leftBehindHandledAsDifficulty: false,
      multipleDifficulty: multiple,
    },
  };
}

/**
 * Four cases of one street, each with one open police task: `soon` (no assessment yet, due in 1 hour), `single`
 * (one category, due in 5 hours), `multiLate` (multiple difficulty, due in 48 hours) and `multiSoon` (multiple
 * difficulty, due in 10 hours).
 */
const CASES = {
  soon: { dueInHours: 1, decided: undefined },
  single: { dueInHours: 5, decided: decided(false) },
  multiLate: { dueInHours: 48, decided: decided(true) },
  multiSoon: { dueInHours: 10, decided: decided(true) },
} as const;
type Key = keyof typeof CASES;
const caseIdOf = (key: Key) => `case-priority-${key}`;
const taskIdOf = (key: Key) => `${caseIdOf(key)}/task-1-police_response`;

beforeAll(async () => {
  drop = await connectTestDatabase('api_priority');
  await ensureIndexes();
  await UserModel.init();
  const config = testConfig();
  const users = createUserRepository();
  const tokenService = createTokenService({ secret: config.AUTH_TOKEN_SECRET, ttlMinutes: 60 });
  const people = {
    coordinator: {
      role: 'district_coordinator' as const,
      agencyCode: 'cn.civil-affairs',
      jurisdiction: { districtCode: CN },
    },
    police: {
      role: 'agency_staff' as const,
      agencyCode: POLICE,
      jurisdiction: { districtCode: CN, streetCode: 'huayang' },
    },
  };
  for (const [key, person] of Object.entries(people)) {
    const user = await users.create({ ...person, email: `${key}@priority.test`, displayName: key, passwordHash: 'x' });
    tokens[key] = tokenService.issue({ userId: String(user._id), tokenVersion: 0 }).token;
  }
  ({ client, connection } = await connectDevServer());
  const authenticate = createAuthenticate({ tokens: tokenService, users });
  const audit = createAuditLogSink();
  app = createApp({
    config,
    logger: pino({ level: 'silent' }),
    readiness: { temporal: async () => true, database: async () => true },
    routers: {
      '/cases': createCaseRouter({ temporal: client, authenticate, audit }),
      '/tasks': createTaskRouter({ temporal: client, authenticate, audit, attachments: { exists: async () => false } }),
    },
  });

  for (const [key, c] of Object.entries(CASES) as [Key, (typeof CASES)[Key]][]) {
    const caseId = caseIdOf(key);
    // The case workflow's first projection (no categories yet), then the one after the assessment, as it sends them.
    await projectCase(caseId, {
      jurisdiction: { districtCode: CN, streetCode: 'huayang' },
      pack: PACK,
      agencyCodes: [POLICE],
      openTaskIds: [taskIdOf(key)],
      nextDeadline: hoursFromNow(c.dueInHours),
    });
    if (c.decided) {
      await projectCase(
        caseId,
        {
          jurisdiction: { districtCode: CN, streetCode: 'huayang' },
          pack: PACK,
          stage: 'assessment',
          agencyCodes: [POLICE],
          openTaskIds: [taskIdOf(key)],
          nextDeadline: hoursFromNow(c.dueInHours),
          categories: c.decided.classification?.categories.map((k) => k.code) ?? [],
          decided: c.decided,
        },
        { version: 2 },
      );
    }
    await projectTask(taskIdOf(key), {
      ownerWorkflowId: caseId,
      kind: 'police_response',
      agencyId: POLICE,
      acceptBy: hoursFromNow(c.dueInHours),
      completeBy: hoursFromNow(c.dueInHours + 12),
      pack: PACK,
    });
  }
});

afterAll(async () => {
  await connection?.close();
  await drop();
});

describe('children in multiple difficulty come first (issue #17 item 7, FT 三(一)4(2))', () => {
  it('the case list puts multiple-difficulty cases first, each group by its soonest deadline, and marks them', async () => {
    const res = await request(app).get('/api/v1/cases').set('authorization', `Bearer ${tokens.coordinator}`);
    expect(res.status).toBe(200);
    const items = res.body.items as { caseId: string; multipleDifficulty: boolean }[];
    expect(items.map((c) => c.caseId)).toEqual((['multiSoon', 'multiLate', 'soon', 'single'] as Key[]).map(caseIdOf));
    expect(items.map((c) => c.multipleDifficulty)).toEqual([true, true, false, false]);
  });

  it('the inbox puts tasks about a multiple-difficulty child first, then by the deadline that applies now', async () => {
    const res = await request(app).get('/api/v1/tasks?status=open').set('authorization', `Bearer ${tokens.police}`);
    expect(res.status).toBe(200);
    const items = res.body.items as { taskId: string; multipleDifficulty?: boolean }[];
    expect(items.map((t) => t.taskId)).toEqual((['multiSoon', 'multiLate', 'soon', 'single'] as Key[]).map(taskIdOf));
    expect(items.map((t) => t.multipleDifficulty ?? false)).toEqual([true, true, false, false]);
  });
});
