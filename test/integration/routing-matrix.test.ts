/**
 * No report is lost or misrouted (issue 12). Every demo reporter account (school, hospital, residents'/villagers'
 * committee of both districts) files, through the real API and its routing over the real directory (FerretDB), a
 * report about a child found in every street of its district; the real intake, case and task workflows run on the
 * time-skipping server (with in-memory activities). Each report must have an open first-response task for the police
 * station of the street where the child was found within the pack's dispatch deadline; with the street left out, the
 * district fallback has the task and the coordinators are alerted. And a child registered in another street: police
 * of the street of discovery respond, the assessment goes to the registration street.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { createRouters } from '../../api/routers';
import { DEMO_PASSWORD, DEMO_USERS, seedDemoUsers } from '../../api/auth/demo-users';
import { routeReport } from '../../api/intake/routing';
import { residentIdCheckCharacter } from '../../contracts/text';
import { ensureIndexes } from '../../models';
import { DISTRICTS, seedDirectory, streetAgencyCode } from '../../models/seed/directory';
import { createUserRepository } from '../../models/user';
import { loadPolicyPack } from '../../policies';
import { deadlineFrom } from '../../workflows/clocks';
import { testConfig } from '../helpers/config';
import { connectTestDatabase } from '../helpers/mongo';
import {
  acceptAndComplete,
  caseStatus,
  createHarness,
  eventually,
  openTaskOf,
  policeOutcome,
  withWorker,
  type Harness,
  type TestContext,
} from '../workflows/harness';

jest.setTimeout(600_000);

let harness: Harness;
let dropDatabase: () => Promise<void>;
beforeAll(async () => {
  dropDatabase = await connectTestDatabase('routing');
  await ensureIndexes();
  await seedDirectory();
  await seedDemoUsers(createUserRepository(), { environment: 'test' });
  harness = await createHarness();
});
afterAll(async () => {
  await dropDatabase?.();
});

const PACK_OF = { cn: 'cn-changning', ft: 'ft-fengtai' } as const;
const DISTRICT_OF = { cn: '310105', ft: '110106' } as const;

/** Every demo account whose role is to report: schools, hospitals and committees of both districts. */
const REPORTERS = DEMO_USERS.filter((u) => u.role === 'mandated_reporter').map((u) => ({
  email: u.email,
  prefix: (u.agencyCode.startsWith('cn.') ? 'cn' : 'ft') as 'cn' | 'ft',
  unitType: u.agencyCode.includes('.committee.')
    ? u.agencyCode.startsWith('ft.committee.wangzuo')
      ? ('villagers_committee' as const)
      : ('residents_committee' as const)
    : u.agencyCode.endsWith('.hospital')
      ? ('hospital' as const)
      : ('school' as const),
}));

function apiOn(ctx: TestContext): Express {
  const config = testConfig({ TEMPORAL_TASK_QUEUE: ctx.taskQueue, AUTH_TOKEN_SECRET });
  const logger = pino({ level: 'silent' });
  return createApp({
    config,
    logger,
    readiness: { temporal: async () => true, database: async () => true },
    routers: createRouters({ config, logger, temporal: ctx.env.client }),
  });
}

/**
 * One real sign-in per account in this file: the login route allows 10 a minute from one address, and a quiet machine
 * runs these tests faster than that. Every test's app signs sessions with the same secret, so a token stays valid.
 */
const AUTH_TOKEN_SECRET = randomBytes(32).toString('base64');
const tokens = new Map<string, string>();
async function login(app: Express, email: string): Promise<string> {
  const known = tokens.get(email);
  if (known) return known;
  const res = await request(app).post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD }).expect(200);
  tokens.set(email, res.body.token as string);
  return res.body.token as string;
}

let serial = 0;
/**
 * A unique, valid resident ID number (GB 11643: a real birth date and the right check character, as the API demands);
 * the in-memory report store uses it as the child's file id.
 */
function idNumber(district: string): string {
  serial += 1;
  const born = new Date(Date.UTC(2016, 0, 1 + Math.floor(serial / 1000)))
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
  const first17 = `${district}${born}${String(serial % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

async function file(
  app: Express,
  token: string,
  prefix: 'cn' | 'ft',
  unitType: string,
  place: { streetCode?: string },
  child: Record<string, unknown> = {},
): Promise<{ childId: string; receivedAt: number }> {
  const childId = idNumber(DISTRICT_OF[prefix]);
  const receivedAt = Date.now();
  const res = await request(app)
    .post('/api/v1/reports')
    .set('authorization', `Bearer ${token}`)
    .set('idempotency-key', randomUUID())
    .send({
      policyPackId: PACK_OF[prefix],
      concerns: ['living_alone'],
      discoveredAt: new Date(receivedAt - 5 * 60_000).toISOString(),
      place: { ...place, address: '某小区 3 号楼门口' },
      account: '孩子独自在家三天，邻居说父母外出打工。',
      child: { name: '测试儿童', idNumber: childId, ...child },
      reporterUnit: { name: '演示单位', type: unitType },
    });
  expect(res.status).toBe(202);
  return { childId, receivedAt };
}

describe('routing by the place of discovery over the real directory', () => {
  it('gives every report, from every demo reporter and for every street of both districts, an open police task of that street within the dispatch deadline', async () => {
    await withWorker(harness, async (ctx) => {
      const app = apiOn(ctx);
      const filed: { reporter: string; childId: string; receivedAt: number; station: string; prefix: 'cn' | 'ft' }[] =
        [];
      for (const reporter of REPORTERS) {
        const token = await login(app, reporter.email);
        const district = DISTRICTS.find((d) => d.prefix === reporter.prefix)!;
        // One reporter's reports side by side: the API and the workflows must keep them apart.
        const reports = await Promise.all(
          district.streets.map(async (street) => ({
            ...(await file(app, token, reporter.prefix, reporter.unitType, { streetCode: street.slug })),
            reporter: reporter.email,
            station: streetAgencyCode(reporter.prefix, street.slug, 'police'),
            prefix: reporter.prefix,
          })),
        );
        filed.push(...reports);
      }
      expect(new Set(REPORTERS.map((r) => r.unitType))).toEqual(
        new Set(['school', 'hospital', 'residents_committee', 'villagers_committee']),
      );
      const streetsOf = (prefix: 'cn' | 'ft') => DISTRICTS.find((d) => d.prefix === prefix)!.streets.length;
      expect(filed).toHaveLength(REPORTERS.reduce((n, r) => n + streetsOf(r.prefix), 0));
      expect(filed.length).toBeGreaterThanOrEqual(90);

      await Promise.all(
        filed.map(async (report) => {
          const dispatch = loadPolicyPack(PACK_OF[report.prefix]).deadlines.policeDispatch;
          const task = await eventually(async () => {
            const status = await caseStatus(ctx.env, report.childId);
            const open = status.openTasks.find((t) => t.kind === 'police_response');
            if (!open) throw new Error(`no police task yet for ${report.childId}`);
            return open;
            // About 90 reports' intake, case and task workflows run side by side on one in-process worker: under a
            // loaded machine (load 20+) the last cases took over 180 s. The claim is the routing and the pack's
            // 30-minute dispatch deadline (asserted below), not speed; the test's own limit is 600 s.
          }, 420_000);
          expect({ reporter: report.reporter, agencyId: task.agencyId }).toEqual({
            reporter: report.reporter,
            agencyId: report.station,
          });
          expect(new Date(task.createdAt).getTime()).toBeLessThanOrEqual(
            deadlineFrom(new Date(report.receivedAt).toISOString(), dispatch).getTime(),
          );
          expect(task.viaFallback).toBeUndefined();
        }),
      );
      expect(ctx.recorded.notifications.filter((n) => n.event.type === 'task_to_fallback')).toEqual([]);
    });
  });

  it('with the street left out, gives the task to the district fallback and alerts the coordinators, for every demo reporter', async () => {
    await withWorker(harness, async (ctx) => {
      const app = apiOn(ctx);
      for (const reporter of REPORTERS) {
        const token = await login(app, reporter.email);
        const { childId } = await file(app, token, reporter.prefix, reporter.unitType, {});
        const taskId = await openTaskOf(ctx.env, childId, 'police_response');
        const status = await caseStatus(ctx.env, childId);
        const task = status.openTasks.find((t) => t.taskId === taskId)!;
        // The pack's emergency fallback: the district police sub-bureau's duty desk.
        expect(task.agencyId).toBe(`${reporter.prefix}.police`);
        expect(task.viaFallback?.phase).toBe('emergency');
        await eventually(async () => {
          const alert = ctx.recorded.notifications.find(
            (n) => n.event.type === 'task_to_fallback' && n.event.taskId === taskId,
          );
          expect(alert?.event).toMatchObject({ agencyId: `${reporter.prefix}.police`, kind: 'police_response' });
        });
      }
    });
  });

  it('sends the emergency to the police of the street of discovery and the assessment to the street of household registration', async () => {
    await withWorker(harness, async (ctx) => {
      const app = apiOn(ctx);
      const token = await login(app, 'school@changning.demo.childsafe.local');
      const { childId } = await file(
        app,
        token,
        'cn',
        'school',
        { streetCode: 'jiangsu' },
        { householdRegistration: { streetCode: 'xinhua', address: '新华路某弄 5 号' } },
      );
      const policeTask = await openTaskOf(ctx.env, childId, 'police_response');
      const status = await caseStatus(ctx.env, childId);
      expect(status.openTasks.find((t) => t.taskId === policeTask)?.agencyId).toBe('cn.police.jiangsu');
      // The case belongs to the registration street (lists and scope), not the street of discovery.
      expect(status.state.jurisdiction).toMatchObject({ districtCode: '310105', streetCode: 'xinhua' });

      const now = await ctx.env.currentTimeMs();
      await acceptAndComplete(
        ctx.env,
        policeTask,
        { userId: 'officer-jiangsu', agencyId: 'cn.police.jiangsu' },
        policeOutcome(now, { kind: 'remains_with_guardian' }),
      );
      await openTaskOf(ctx.env, childId, 'joint_assessment');
      const after = await caseStatus(ctx.env, childId);
      const assessment = after.openTasks.find((t) => t.kind === 'joint_assessment')!;
      expect(assessment.agencyId).toBe('cn.street.xinhua');
      expect(assessment.viaFallback).toBeUndefined();
    });
  });

  it('routes committee work of a villagers’ committee like a residents’ committee’s, and a child registered in another district to that district’s bureau', async () => {
    const ft = loadPolicyPack('ft-fengtai');
    const village = await routeReport(ft, { incident: { districtCode: '110106', streetCode: 'wangzuo' } });
    expect(village.agencies).toMatchObject({
      police_station: 'ft.police.wangzuo',
      street_office: 'ft.street.wangzuo',
      residents_committee: 'ft.committee.wangzuo.1',
      villagers_committee: 'ft.committee.wangzuo.1',
    });
    const cn = loadPolicyPack('cn-changning');
    const referred = await routeReport(cn, {
      incident: { districtCode: '310105', streetCode: 'tianshan' },
      householdRegistration: { districtCode: '110106', streetCode: 'youanmen' },
    });
    // CN 五(一): not covered here; police of the street of discovery respond, Fengtai's bureau carries the case.
    expect(referred.agencies.police_station).toBe('cn.police.tianshan');
    expect(referred.referredToDistrictCode).toBe('110106');
    expect(referred.ongoingAgencies.street_office).toBe('ft.civil-affairs');
    expect(referred.fallbackAgencies).toEqual({ emergency: 'cn.police', ongoing: 'cn.civil-affairs' });
  });
});
