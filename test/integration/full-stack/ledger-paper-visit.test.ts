/**
 * Issue #18 ("a missed visit escalates to the street") on the real stack (the API as npm start builds it, a worker with
 * the real activities, Temporal, FerretDB, the SMTP sink): a child already on the street's paper ledger is enrolled
 * with the last visit the paper records (上次走访日期). Its first visit is due that day plus the child's interval, so a
 * paper visit 45 days ago on a 30-day interval is overdue at once: the street office is told once, in its inbox (the
 * child and the street by name) and by one email linking the child's ledger page. The date is refused (400 naming
 * it) when malformed, in the future or before the child's birth; a child already enrolled keeps its schedule (409);
 * without the date nothing changes; and the reconciler's start of an enrolment kept while Temporal was down counts
 * from the same date. The tests share one stack and run in order.
 */
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../api/app';
import { createRouters } from '../../../api/routers';
import { resumePendingLedgerMonitoring } from '../../../activities/ledger';
import { createTemporalClient } from '../../../common/temporal';
import { residentIdCheckCharacter } from '../../../contracts/text';
import { AuditEventModel } from '../../../models/audit-event';
import { ChildModel } from '../../../models/child';
import { NotificationModel } from '../../../models/notification';
import { getPolicyPack } from '../../../policies';
import { addDuration } from '../../../policies/duration';
import { ledgerVisitRule } from '../../../policies/visits';
import { readSinkMessages } from '../../../scripts/services/smtp-sink';
import { freePort } from '../../../scripts/services/ports';
import { ledgerMonitoringQuery, ledgerWorkflowId } from '../../../workflows/ledger.definitions';
import { eventually, randomIdNumber, startFullStack, type FullStack } from './harness';

jest.setTimeout(240_000); // the whole stack, a monitoring workflow per test, on a loaded machine

const DOMAIN = 'changning.demo.childsafe.local';
const COMMITTEE = `committee.huayang-1@${DOMAIN}`; // 华阳路第一居委会 儿童主任
const STREET = `street.huayang@${DOMAIN}`; // 华阳路街道 协调员: the street office's desk
const STREET_SOCIAL_WORKER = `socialworker.huayang@${DOMAIN}`; // the street office's other contact
const DAY = 24 * 3600_000;

let stack: FullStack;
const tokens: Record<string, string> = {};
const as = (who: string) => ({
  get: (path: string) => request(stack.app).get(`/api/v1${path}`).set('authorization', `Bearer ${tokens[who]}`),
  enrol: (body: object) =>
    request(stack.app).post('/api/v1/ledger/children').set('authorization', `Bearer ${tokens[who]}`).send(body),
});

/** A medium-risk child in family poverty, not left behind: the Changning pack's 30-day interval. */
function enrolment(overrides: Record<string, unknown> = {}, child: Record<string, unknown> = {}) {
  return {
    child: { idNumber: randomIdNumber(), name: '陈小雨', sex: 'female', ...child },
    place: { streetCode: 'huayang', committeeCode: 'huayang.1' },
    categories: ['family_poverty'],
    leftBehind: false,
    riskLevel: 'medium',
    ...overrides,
  };
}

/** The day `days` before now, as the form sends it (YYYY-MM-DD). */
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().slice(0, 10);

const monitoring = (childId: string) =>
  stack.client.workflow.getHandle(ledgerWorkflowId(childId)).query(ledgerMonitoringQuery);

/** The emails the sink holds about one ledger child (their link is its ledger page). */
const mailAbout = (childId: string) =>
  readSinkMessages(process.env.MAIL_SINK_DIR!).filter((m) => m.text.includes(`/ledger/children/${childId}`));

const missedNotices = (childId: string) =>
  NotificationModel.find({ kind: 'ledger_visit_missed', childId }).lean().exec();

beforeAll(async () => {
  stack = await startFullStack();
  for (const who of [COMMITTEE, STREET]) tokens[who] = await stack.login(who);
});
afterAll(async () => {
  await stack?.stop();
});

it('the interval of the fixture child is 30 days (Changning 1.3.0, medium risk)', () => {
  const rule = ledgerVisitRule(getPolicyPack('cn-changning', '1.3.0'), {
    riskLevel: 'medium',
    leftBehind: false,
    categories: ['family_poverty'],
    multipleDifficulty: false,
  });
  expect(rule.rule.duration).toBe('P30D');
});

describe('the paper ledger’s last visit at enrolment', () => {
  let childId: string;
  let idNumber: string;
  const lastVisitedOn = daysAgo(45);

  it('a paper visit 45 days ago on a 30-day interval is overdue at once: the street is told once, inbox and email', async () => {
    const body = enrolment({ lastVisitedOn });
    idNumber = body.child.idNumber;
    const res = await as(COMMITTEE).enrol(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ enrolled: true, monitoring: 'started' });
    childId = res.body.childId as string;

    const due = addDuration(new Date(`${lastVisitedOn}T00:00:00Z`), 'P30D').toISOString();
    const view = await eventually(async () => {
      const v = await monitoring(childId);
      expect(v).toMatchObject({ dueAt: due, escalated: true, missedVisits: 1 });
      return v;
    }, 90_000);
    expect(view.status).toBe('monitoring');
    const file = await eventually(async () => {
      const f = await ChildModel.findById(childId).lean();
      expect(f?.ledger?.missedVisits).toBe(1);
      return f!;
    });
    expect(file.ledger?.lastVisitAt?.toISOString()).toBe(`${lastVisitedOn}T00:00:00.000Z`);
    expect(file.ledger?.nextVisitDue?.toISOString()).toBe(due);
    const audit = await AuditEventModel.findOne({ action: 'ledger.enrolled', childId: file._id }).lean();
    expect(audit?.details).toMatchObject({ lastVisitedOn, source: 'committee' });

    // One notice for the street office: one inbox entry (its desk, the street coordinator's account) and one email
    // to each of its addresses, linking the child's ledger page.
    const inbox = await eventually(async () => {
      const entries = (await missedNotices(childId)).filter((n) => n.channel === 'inbox');
      expect(entries).toHaveLength(1);
      return entries;
    }, 90_000);
    expect(inbox[0]!.recipient.email).toBe(STREET);
    const mail = await eventually(async () => {
      const sent = mailAbout(childId);
      expect(sent.map((m) => m.to.join()).sort()).toEqual([STREET_SOCIAL_WORKER, STREET]);
      return sent;
    }, 60_000);
    for (const m of mail) {
      expect(m.subject).toContain('台账儿童定期走访逾期');
      expect(m.text).not.toContain('陈小雨'); // an email never names the child
    }

    // The street's inbox names the child and the street, and points at the child.
    const listed = await as(STREET).get('/notifications');
    expect(listed.status).toBe(200);
    const missed = (listed.body.items as { kind: string; childId?: string }[]).filter(
      (n) => n.kind === 'ledger_visit_missed' && n.childId === childId,
    );
    expect(missed).toEqual([
      expect.objectContaining({ child: { name: '陈小雨', streetName: { zh: '华阳路街道', en: expect.any(String) } } }),
    ]);
    // The ledger list shows the child as overdue.
    const overdue = await as(STREET).get('/ledger/children?overdue=true');
    expect(overdue.body.items.map((r: { childId: string }) => r.childId)).toContain(childId);

    // Still one notice a moment later (the workflow waits for the visit, it does not tell the street again).
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await missedNotices(childId)).filter((n) => n.channel === 'inbox')).toHaveLength(1);
    expect(mailAbout(childId)).toHaveLength(2);
  });

  it('names lastVisitedOn in a 400 when malformed, in the future or before the child was born, writing nothing', async () => {
    const before = await ChildModel.countDocuments();
    const tomorrow = new Date(Date.now() + 2 * DAY).toISOString().slice(0, 10);
    // randomIdNumber's children are born in May 2016.
    for (const bad of ['2026-13-01', '2026/11/01', '上个月', tomorrow, '2016-04-30']) {
      const res = await as(COMMITTEE).enrol(enrolment({ lastVisitedOn: bad }));
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['lastVisitedOn']);
    }
    const bornJune2021 = `31010520210601001`;
    const given = await as(COMMITTEE).enrol(
      enrolment(
        { lastVisitedOn: '2020-01-01' },
        { idNumber: bornJune2021 + residentIdCheckCharacter(bornJune2021), dateOfBirth: '2021-06-01' },
      ),
    );
    expect(given.status).toBe(400);
    expect(given.body.details.fields).toEqual([
      { field: 'lastVisitedOn', message: "lies before the child's date of birth (2021-06-01)" },
    ]);
    expect(await ChildModel.countDocuments()).toBe(before);
  });

  it('a child already on the ledger keeps its schedule: another paper date is 409 naming it, the same one a retry', async () => {
    const before = await monitoring(childId);
    const other = await as(COMMITTEE).enrol(enrolment({ lastVisitedOn: daysAgo(3) }, { idNumber }));
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: 'CONFLICT', details: { field: 'lastVisitedOn' } });
    const retry = await as(COMMITTEE).enrol(enrolment({ lastVisitedOn }, { idNumber }));
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ childId, enrolled: false });
    const after = await monitoring(childId);
    expect(after).toMatchObject({ dueAt: before.dueAt, missedVisits: 1, visitNo: 1 });
    const file = await ChildModel.findById(childId).lean();
    expect(file?.ledger?.lastVisitAt?.toISOString()).toBe(`${lastVisitedOn}T00:00:00.000Z`);
  });
});

describe('without a paper date', () => {
  it('the first visit counts from enrolment, as before: not overdue, nobody told', async () => {
    const enrolledAt = Date.now();
    const res = await as(COMMITTEE).enrol(enrolment({}, { name: '陈小风' }));
    expect(res.status).toBe(201);
    const childId = res.body.childId as string;
    const view = await eventually(async () => {
      const v = await monitoring(childId);
      if (!v.dueAt) throw new Error('not scheduled yet');
      return v;
    }, 90_000);
    const due = Date.parse(view.dueAt!);
    expect(due).toBeGreaterThanOrEqual(enrolledAt + 30 * DAY - 60_000);
    expect(due).toBeLessThanOrEqual(Date.now() + 30 * DAY + 60_000);
    expect(view).toMatchObject({ escalated: false, missedVisits: 0 });
    expect((await ChildModel.findById(childId).lean())?.ledger?.lastVisitAt).toBeUndefined();
    expect(await missedNotices(childId)).toEqual([]);
  });
});

describe('an enrolment kept while Temporal was down', () => {
  it("the reconciler's start counts from the paper date too: overdue at once, the street told once", async () => {
    const config = { ...stack.config, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` };
    const down = createTemporalClient(config);
    const lastVisitedOn = daysAgo(40);
    let childId: string;
    try {
      const app = createApp({
        config,
        logger: pino({ level: 'silent' }),
        readiness: { temporal: async () => false, database: async () => true },
        routers: createRouters({ config, logger: pino({ level: 'silent' }), temporal: down.client }),
      });
      const res = await request(app)
        .post('/api/v1/ledger/children')
        .set('authorization', `Bearer ${tokens[COMMITTEE]}`)
        .send(enrolment({ lastVisitedOn }, { name: '陈小云' }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ enrolled: true, monitoring: 'pending' });
      childId = res.body.childId as string;
    } finally {
      await down.connection.close();
    }
    expect(await resumePendingLedgerMonitoring(stack.client, stack.config.TEMPORAL_TASK_QUEUE)).toEqual({
      resumed: 1,
      failed: 0,
    });
    const due = addDuration(new Date(`${lastVisitedOn}T00:00:00Z`), 'P30D').toISOString();
    await eventually(
      async () => expect(await monitoring(childId)).toMatchObject({ dueAt: due, escalated: true, missedVisits: 1 }),
      90_000,
    );
    await eventually(async () => {
      expect((await missedNotices(childId)).filter((n) => n.channel === 'inbox')).toHaveLength(1);
    }, 90_000);
  });
});
