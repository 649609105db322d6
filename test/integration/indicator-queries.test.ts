/**
 * The dashboard's reshaped queries (issue #19: the indicators' cost independent of the district's size) give the
 * answers of the queries they replaced, on the real store: the clocks ending soon read through the cases' soonest
 * clock (`nextClockAt`, a page at a time) are the 20 soonest of every clock in the window, across pages, with a case's
 * later clocks and a case whose soonest clock already passed; the week's escalations are counted through the tasks'
 * `lastEscalationDay` buckets, the window's edges included; the police acknowledgement sample without
 * `acceptedAt: { $ne: null }` still takes only accepted tasks. Fixtures go through the real projection activities.
 */
import { Types } from 'mongoose';
import { computeIndicators, readIndicators } from '../../api/read-models/indicators';
import { saveIndicatorSnapshot } from '../../models/indicator-snapshot';
import { ensureIndexes } from '../../models';
import { CaseModel } from '../../models/case';
import { seedDirectory } from '../../models/seed/directory';
import { TaskModel } from '../../models/task';
import type { Clock } from '../../workflows/definitions';
import { connectTestDatabase } from '../helpers/mongo';
import { escalation, hoursFromNow, projectCase, projectTask } from '../helpers/projections';

jest.setTimeout(60_000); // about 70 projection writes on the real store, on a loaded machine

const CN = '310105';
const FT = '110106';
const PACK = { id: 'cn-changning', version: '1.0.0' };
const HOUR = 3_600_000;
const now = Date.now();
let drop: () => Promise<void>;

const clock = (workflowId: string, n: number, hours: number): Clock => ({
  id: `${workflowId}/c${n}`,
  label: `clock ${n}`,
  clause: 'CN 四(三)',
  startedAt: hoursFromNow(-1, now),
  firesAt: hoursFromNow(hours, now),
});

/** Every fixture clock, as [caseId, clock]: what the old query over the `clocks` array looked through. */
const allClocks: [string, Clock][] = [];

async function seedCase(districtCode: string, clocks: (id: string) => Clock[]): Promise<string> {
  const workflowId = `case-${new Types.ObjectId().toHexString()}`;
  const list = clocks(workflowId);
  if (districtCode === CN) allClocks.push(...list.map((c): [string, Clock] => [workflowId, c]));
  await projectCase(workflowId, {
    jurisdiction: { districtCode, streetCode: districtCode === CN ? 'huayang' : 'youanmen' },
    pack: PACK,
    clocks: list,
  });
  return workflowId;
}

beforeAll(async () => {
  drop = await connectTestDatabase('indicator_queries');
  await ensureIndexes();
  await seedDirectory();
  // 60 cases with a clock 2..61 hours ahead (more than a page of 50); every fifth with a second clock 30 minutes
  // after its first; a case whose soonest clock passed an hour ago (pending: the worker is behind) and whose other
  // clock is in the window; a case with clocks only past the window; a case with none; another district's case.
  for (let i = 0; i < 60; i++) {
    await seedCase(CN, (id) => [clock(id, 1, 61 - i), ...(i % 5 === 0 ? [clock(id, 2, 61 - i + 0.5)] : [])]);
  }
  await seedCase(CN, (id) => [clock(id, 1, -1), clock(id, 2, 9.25)]);
  await seedCase(CN, (id) => [clock(id, 1, 8 * 24)]);
  await seedCase(CN, () => []);
  await seedCase(FT, (id) => [clock(id, 1, 0.5)]);
});

afterAll(() => drop());

describe('the dashboard reads what it read before, through pushable queries', () => {
  it('lists the 20 soonest clocks of the window across pages, as the range inside the clocks array did', async () => {
    const indicators = await computeIndicators(CN, new Date(now));
    const until = now + 7 * 24 * HOUR;
    const expected = allClocks
      .filter(([, c]) => Date.parse(c.firesAt) >= now && Date.parse(c.firesAt) <= until)
      .sort(([, a], [, b]) => Date.parse(a.firesAt) - Date.parse(b.firesAt))
      .slice(0, 20)
      .map(([caseId, c]) => ({
        caseId,
        clockId: c.id,
        label: c.label,
        clause: c.clause,
        firesAt: new Date(c.firesAt).toISOString(),
      }));
    expect(expected).toHaveLength(20);
    expect(expected.some((c) => c.label === 'clock 2')).toBe(true); // a case's later clock is among them
    expect(indicators.clocksEndingSoon).toEqual(expected);
    // The summary fields every projection write derives from the clocks.
    const past = await CaseModel.findOne({ 'clocks.firesAt': new Date(hoursFromNow(-1, now)) }).lean();
    expect(past).toMatchObject({ clockPending: true, nextClockAt: new Date(hoursFromNow(-1, now)) });
    expect(await CaseModel.countDocuments({ 'jurisdiction.districtCode': CN, clockPending: false })).toBe(1);
  });

  it('counts the escalations of the last 7 days through the latest-escalation day, edges included', async () => {
    const caseId = await seedCase(CN, () => []);
    const police = 'cn.police.huayang';
    const seedEscalated = async (n: number, hoursAgo: number[], agencyId = police) => {
      const taskId = `${caseId}/task-${n}`;
      await projectTask(taskId, {
        ownerWorkflowId: caseId,
        kind: 'police_response',
        agencyId,
        pack: PACK,
        createdAt: hoursFromNow(-12 * 24, now),
        acceptBy: hoursFromNow(-12 * 24 + 1, now),
        completeBy: hoursFromNow(1, now),
        escalations: hoursAgo.map((h) =>
          escalation(taskId, 'police_response', {
            phase: 'accept',
            notify: 'assignee',
            clause: 'CN 四(二)',
            at: hoursFromNow(-h, now),
          }),
        ),
      });
      return taskId;
    };
    // This week: 1 h, 7 days less a minute (its latest escalation that day too), 3 days (beside an older one).
    await seedEscalated(1, [1]);
    await seedEscalated(2, [7 * 24 - 1 / 60]);
    const mixed = await seedEscalated(3, [3 * 24, 9 * 24]);
    // Not this week: 7 days and a minute ago; 10 days ago; another district's agency an hour ago.
    await seedEscalated(4, [7 * 24 + 1 / 60]);
    await seedEscalated(5, [10 * 24]);
    await seedEscalated(6, [1], 'ft.police.youanmen');

    const indicators = await computeIndicators(CN, new Date(now));
    expect(indicators.escalationsThisWeek).toBe(3);
    expect((await TaskModel.findOne({ taskId: mixed }).lean())?.lastEscalationDay).toBe(
      hoursFromNow(-3 * 24, now).slice(0, 10),
    );
  });

  it('takes the acknowledgement median over accepted police tasks only, whatever else the district holds', async () => {
    const caseId = await seedCase(CN, () => []);
    const seedPolice = async (n: number, acceptedAfterMinutes: number | null) =>
      projectTask(`${caseId}/ack-${n}`, {
        ownerWorkflowId: caseId,
        kind: 'police_response',
        agencyId: 'cn.police.huayang',
        pack: PACK,
        status: acceptedAfterMinutes === null ? 'notified' : 'accepted',
        createdAt: hoursFromNow(-3, now),
        acceptedAt: acceptedAfterMinutes === null ? null : hoursFromNow(-3 + acceptedAfterMinutes / 60, now),
        acceptBy: hoursFromNow(-2, now),
        completeBy: hoursFromNow(2, now),
      });
    for (const [n, minutes] of [
      [1, 6],
      [2, null],
      [3, 12],
      [4, null],
      [5, 30],
    ] as const) {
      await seedPolice(n, minutes);
    }
    // The escalated tasks above were never accepted either: 6 unaccepted, 3 accepted in the district.
    expect((await computeIndicators(CN, new Date(now))).medianMinutesToPoliceAck).toBe(12);
  });
});

describe('the dashboard reads the district snapshot', () => {
  it('computes now before the first snapshot, then answers the snapshot, out of date past twice a round', async () => {
    const at = new Date(now);
    const before = await readIndicators(CN, at);
    expect(before).toEqual({ ...(await computeIndicators(CN, at)), asOf: at.toISOString(), stale: false });

    const minutesAgo = (m: number) => new Date(now - m * 60_000);
    const snapshot = (asOf: Date, escalationsThisWeek: number) => ({
      districtCode: CN,
      asOf,
      everySeconds: 30,
      indicators: { ...before, escalationsThisWeek },
    });
    // Interval 30 s: out of date after 2 × 30 s + 2 minutes (one computation's limit) = 3 minutes.
    expect(await saveIndicatorSnapshot(snapshot(minutesAgo(4), 41))).toBe(true);
    expect(await readIndicators(CN, at)).toMatchObject({ escalationsThisWeek: 41, stale: true });
    expect(await saveIndicatorSnapshot(snapshot(minutesAgo(2.5), 42))).toBe(true);
    expect(await readIndicators(CN, at)).toMatchObject({
      escalationsThisWeek: 42,
      asOf: minutesAgo(2.5).toISOString(),
      stale: false,
    });
    // An older snapshot (a late retry) never replaces a newer one.
    expect(await saveIndicatorSnapshot(snapshot(minutesAgo(3), 43))).toBe(false);
    expect((await readIndicators(CN, at)).escalationsThisWeek).toBe(42);
  });
});
