/**
 * The street ledger's list and the coordinator dashboard's visit compliance at district scale (issue #18
 * "Performance", item 3): the read model's own functions (models/ledger-repository.ts `listLedger`,
 * `ledgerCompliance`, `getLedgerChild`; the panel's read of the district snapshot, `readLedgerCompliance`, and the
 * snapshot's computation of the ledger cells, `ledgerCells`) timed on FerretDB v1 (SQLite, as `npm start`/`npm test` run it) with 1,000 and
 * then 10,000 children on the district's ledgers (`LEDGER_SCALE=100k`: 1,000 and 100,000). Not a test; CI never runs
 * it. Method and results: bench/README.md, "Ledger at scale".
 *
 *   npx tsx bench/ledger-scale.ts                       # quick: 1k and 10k children
 *   LEDGER_SCALE=100k npx tsx bench/ledger-scale.ts     # 1k and 100k
 *   LEDGER_SCALE_LEVELS=1000,5000 LEDGER_SCALE_REPEAT=10 npx tsx bench/ledger-scale.ts
 *   LEDGER_SCALE=100k LEDGER_SCALE_ONLY='list:' npx tsx bench/ledger-scale.ts   # the lists only
 *   LEDGER_SCALE_MONGO_URI=mongodb://…/ npx tsx bench/ledger-scale.ts   # a store started elsewhere (MongoDB)
 *
 * The filler children are written straight through the driver (insertMany, 1,000 a batch), shaped as the ledger
 * repository writes them; the fill is set-up, not measured. Every level holds the same district, spread over its
 * streets and committees alike, so a street's and a committee's share grows with the district.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { startFerretDb } from '../scripts/services/ferretdb';
import { ensureIndexes } from '../models';
import { ChildModel } from '../models/child';
import { saveIndicatorSnapshot } from '../models/indicator-snapshot';
import {
  getLedgerChild,
  ledgerCells,
  ledgerCompliance,
  readLedgerCompliance,
  ledgerListFilter,
  listLedger,
  LEDGER_LIST_OMITS,
  LEDGER_LIST_ORDER,
  type LedgerFilters,
  type LedgerReach,
} from '../models/ledger-repository';

const SCALE = process.env.LEDGER_SCALE ?? '10k';
const LEVELS = (process.env.LEDGER_SCALE_LEVELS ?? (SCALE === '100k' ? '1000,100000' : '1000,10000'))
  .split(',')
  .map((n) => Number(n.trim()));
const REPEAT = Number(process.env.LEDGER_SCALE_REPEAT ?? 20);
/** A query whose runs pass this much time stops early (at least 3 runs), so the large level ends in minutes. */
const TIME_BUDGET_MS = Number(process.env.LEDGER_SCALE_BUDGET_MS ?? 120_000);
const BATCH = 1_000;

const DISTRICT = '310105';
const STREETS = ['huayang', 'jiangsu', 'xinhua', 'zhoujiaqiao', 'tianshan', 'xianxia', 'hongqiao', 'chengjiaqiao'];
const COMMITTEES_PER_STREET = 4;
const CATEGORIES = ['left_behind_unattended', 'family_poverty', 'disability', 'living_alone', 'dropout_risk'];
const RISKS = ['low', 'medium', 'high', 'unassessed'];
const now = new Date();
const day = 24 * 60 * 60_000;
const at = (days: number) => new Date(now.getTime() + days * day);

/** Child number `i` of the district: its street and committee by round robin, a next visit from 60 days ago to 60 ahead. */
export function ledgerChildDoc(i: number) {
  const street = STREETS[i % STREETS.length]!;
  const committeeCode = `${street}.${1 + (Math.floor(i / STREETS.length) % COMMITTEES_PER_STREET)}`;
  const enrolledAt = at(-200 - (i % 300));
  const place = { districtCode: DISTRICT, streetCode: street, committeeCode };
  const by = { userId: new mongoose.Types.ObjectId().toHexString(), role: 'child_welfare_supervisor' };
  const visits = Array.from({ length: i % 4 }, (_, v) => ({
    visitId: `v${v + 1}`,
    dueAt: at(-180 + v * 60),
    visitedAt: at(-178 + v * 60),
    by,
    childPresent: true,
    guardianPresent: v % 2 === 0,
    arrangementAdequate: true,
    needs: v % 3 === 0 ? ['tutoring'] : [],
    newConcern: false,
  }));
  return {
    identityKey: `ledger-scale-${i}`,
    idNumberSealed: `v1:${'A'.repeat(24)}:${'B'.repeat(48)}:${i}`,
    provisional: false,
    name: `台账儿童${i}`,
    sex: i % 2 ? 'female' : 'male',
    dateOfBirth: new Date(Date.UTC(2012 + (i % 6), i % 12, 1 + (i % 28))),
    districtCode: DISTRICT,
    residence: { ...place, address: `长宁区某路 ${i % 900} 号` },
    school: { name: '长宁区演示小学', agencyCode: 'cn.school' },
    guardians: [{ name: `监护人${i}`, relation: 'grandparent', phone: '13800000000', status: 'able' }],
    categories: [
      CATEGORIES[i % CATEGORIES.length]!,
      ...(i % 7 === 0 ? [CATEGORIES[(i + 2) % CATEGORIES.length]!] : []),
    ],
    benefits: i % 5 === 0 ? ['dibao'] : [],
    riskLevel: RISKS[i % RISKS.length],
    flags: { leftBehind: i % 3 === 0, multipleDifficulty: i % 7 === 0, recordSealed: false },
    history: [
      { _id: new mongoose.Types.ObjectId(), at: enrolledAt, event: 'file_opened' },
      { _id: new mongoose.Types.ObjectId(), at: enrolledAt, event: 'ledger_enrolled', note: 'committee' },
    ],
    reportIds: [],
    mergedInto: null,
    mergedFrom: [],
    ledger: {
      place,
      status: 'monitoring',
      source: 'committee',
      enrolledAt,
      enrolledBy: by,
      ...(i % 3 === 0
        ? { arrangement: { caregiverName: `照护人${i}`, relation: '祖父母', phone: '13900000000', adequate: true } }
        : {}),
      lastVisitAt: visits.at(-1)?.visitedAt,
      nextVisitDue: at((i % 120) - 60),
      visitInterval: { duration: 'P3M', clause: 'CN 五(一)' },
      missedVisits: i % 11 === 0 ? 1 : 0,
      visits,
      transfers: [],
      version: 1 + visits.length,
    },
    createdAt: enrolledAt,
    updatedAt: enrolledAt,
  };
}

async function fill(from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    await ChildModel.collection.insertMany(
      Array.from({ length: end - start }, (_, k) => ledgerChildDoc(start + k)),
      { ordered: false },
    );
  }
}

const street: LedgerReach = { kind: 'street', districtCode: DISTRICT, streetCode: 'huayang' };
const committee: LedgerReach = {
  kind: 'committee',
  districtCode: DISTRICT,
  streetCode: 'huayang',
  committeeCode: 'huayang.1',
};
const district: LedgerReach = { kind: 'district', districtCode: DISTRICT };
const page1 = { page: 1, limit: 50 };

/** The child the ledger page reads: the newest file at each level (a recent enrolment, the common look-up). */
let oneChildId = '';

/** A list's first page alone, as listLedger reads it, without its two counts (`total`, `overdue`). */
function pageAlone(reach: LedgerReach, filters: LedgerFilters) {
  return ChildModel.find(ledgerListFilter(reach, filters, now))
    .select(LEDGER_LIST_OMITS)
    .sort(LEDGER_LIST_ORDER)
    .limit(page1.limit)
    .lean()
    .exec();
}

/** The queries the ledger page and the dashboard make, as the read model makes them. */
const ALL_QUERIES: { name: string; run: () => Promise<unknown> }[] = [
  { name: 'list: street coordinator, page 1', run: () => listLedger(street, {}, page1, now) },
  { name: 'list: committee supervisor, page 1', run: () => listLedger(committee, {}, page1, now) },
  { name: 'list: street, overdue visits only', run: () => listLedger(street, { overdue: true }, page1, now) },
  {
    name: 'list: district, category + left-behind',
    run: () => listLedger(district, { category: 'family_poverty', leftBehind: true }, page1, now),
  },
  // The same list's page alone, without its two counts (`total`, `overdue`): where its time goes.
  {
    name: 'list: district, category + left-behind, page alone',
    run: () => pageAlone(district, { category: 'family_poverty', leftBehind: true }),
  },
  // The category filter alone (the ledger page's 类别 without 留守): the multikey index's side table is sought on
  // district and category, and the left-behind column after them is not fixed, so the range is sorted, not walked.
  {
    name: 'list: district, category alone',
    run: () => listLedger(district, { category: 'family_poverty' }, page1, now),
  },
  {
    name: 'list: district, category alone, page alone',
    run: () => pageAlone(district, { category: 'family_poverty' }),
  },
  { name: 'dashboard: compliance, street', run: () => ledgerCompliance(street, now) },
  { name: 'dashboard: compliance, district', run: () => ledgerCompliance(district, now) },
  // What the panel reads since the district snapshot (issue #18): the snapshot by `_id`, summed for the reach.
  { name: 'dashboard page: compliance, street (snapshot)', run: () => readLedgerCompliance(street, now) },
  { name: 'dashboard page: compliance, district (snapshot)', run: () => readLedgerCompliance(district, now) },
  // The snapshot's ledger part, computed every minute by the district's snapshot workflow off the page's path.
  { name: 'snapshot: the ledger cells (computation)', run: () => ledgerCells(DISTRICT, now) },
  { name: "ledger page: one child's entry", run: () => getLedgerChild(oneChildId) },
];
/**
 * LEDGER_SCALE_ONLY=<text>[|<text>…]: only the queries whose name contains one of them (e.g. `list:`, to reach 100,000
 * in minutes).
 */
const QUERIES = ALL_QUERIES.filter((q) =>
  (process.env.LEDGER_SCALE_ONLY ?? '').split('|').some((part) => q.name.includes(part)),
);

const pct = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;

/** REPEAT runs after an unrecorded one (fewer, at least 3, once TIME_BUDGET_MS is spent): p50 and p95. */
async function time(run: () => Promise<unknown>) {
  await run();
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < REPEAT && (samples.length < 3 || spent < TIME_BUDGET_MS)) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
    spent += samples.at(-1)!;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (ms: number) => (ms < 100 ? Math.round(ms * 10) / 10 : Math.round(ms));
  return { runs: samples.length, p50: round(pct(sorted, 0.5)), p95: round(pct(sorted, 0.95)) };
}

/** What the store does with a filter: FerretDB's explain (pushdown flags and the SQLite plan), MongoDB's winning plan. */
async function explain(
  command: Record<string, unknown>,
): Promise<Record<string, unknown> | { error: string } | undefined> {
  try {
    const r = (await mongoose.connection.db!.command({ explain: command, verbosity: 'queryPlanner' })) as Record<
      string,
      unknown
    >;
    const planner = r.queryPlanner as Record<string, unknown> | undefined;
    return {
      ...(r.filterPushdown !== undefined
        ? { filterPushdown: r.filterPushdown, sortPushdown: r.sortPushdown, limitPushdown: r.limitPushdown }
        : {}),
      plan: planner?.Plan ?? planner?.winningPlan ?? planner,
    };
  } catch (err) {
    return { error: (err as Error).message.slice(0, 200) };
  }
}

async function main(): Promise<void> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-ledger-scale-'));
  const external = process.env.LEDGER_SCALE_MONGO_URI;
  const store = external
    ? { uri: external.endsWith('/') ? external : `${external}/`, stop: async () => undefined }
    : await startFerretDb({ dataDir: path.join(workDir, 'ferretdb'), logDir: path.join(workDir, 'logs') });
  const storeName = external ? 'the store at LEDGER_SCALE_MONGO_URI' : 'FerretDB v1 (SQLite)';
  const load = () => os.loadavg().map((l) => Math.round(l * 10) / 10);
  type Timing = Awaited<ReturnType<typeof time>>;
  const results: { level: number; loadBefore: number[]; loadAfter: number[]; timings: Record<string, Timing> }[] = [];
  const explained: Record<string, unknown> = {};
  try {
    await mongoose.connect(`${store.uri}ledger_scale_${Date.now()}`, { serverSelectionTimeoutMS: 10_000 });
    await ensureIndexes();
    console.log(`${storeName}; levels ${LEVELS.join(', ')} children; repeat ${REPEAT}; load ${load().join('/')}`);
    let inserted = 0;
    for (const level of LEVELS) {
      const started = performance.now();
      await fill(inserted, level);
      inserted = Math.max(inserted, level);
      const newest = await ChildModel.findOne({ identityKey: `ledger-scale-${level - 1}` }, { _id: 1 })
        .lean()
        .exec();
      oneChildId = String(newest!._id);
      const count = await ChildModel.estimatedDocumentCount();
      console.log(`level ${level}: ${count} children (fill ${Math.round(performance.now() - started) / 1000} s)`);
      const loadBefore = load();
      const timings: Record<string, Timing> = {};
      // The district's snapshot at this level, as the snapshot workflow's activity writes it (its ledger cells).
      const cells = await ledgerCells(DISTRICT, now);
      await saveIndicatorSnapshot({
        districtCode: DISTRICT,
        asOf: new Date(),
        everySeconds: 60,
        indicators: {},
        ledger: cells,
      });
      for (const query of QUERIES) {
        timings[query.name] = await time(query.run);
        const t = timings[query.name]!;
        console.log(
          `  ${query.name.padEnd(44)} p50 ${String(t.p50).padStart(8)} ms  p95 ${String(t.p95).padStart(8)} ms  (${t.runs} runs)`,
        );
      }
      results.push({ level, loadBefore, loadAfter: load(), timings });
    }
    // The list's page as the store plans it, for each reach and filter measured above.
    const explainList = (reach: LedgerReach, filters: LedgerFilters) =>
      explain({ find: 'children', filter: ledgerListFilter(reach, filters, now), sort: LEDGER_LIST_ORDER, limit: 50 });
    explained.list = await explainList(street, {});
    explained.committeeList = await explainList(committee, {});
    explained.categoryList = await explainList(district, { category: 'family_poverty', leftBehind: true });
    explained.categoryAloneList = await explainList(district, { category: 'family_poverty' });
    explained.compliance = await explain({
      aggregate: 'children',
      pipeline: [
        { $match: { 'ledger.place.districtCode': DISTRICT, ledger: { $exists: true }, mergedInto: null } },
        { $group: { _id: '$ledger.place.committeeCode', n: { $sum: 1 } } },
      ],
      cursor: {},
    });
    explained.ledgerChild = await explain({
      find: 'children',
      filter: { _id: new mongoose.Types.ObjectId(oneChildId), ledger: { $exists: true } },
    });
    explained.byId = await explain({ find: 'children', filter: { _id: new mongoose.Types.ObjectId(oneChildId) } });
  } finally {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect().catch(() => undefined);
    await store.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  const first = results[0]!;
  const last = results.at(-1)!;
  const head = ['query (p50 / p95 ms)', ...results.map((r) => `${r.level.toLocaleString('en')} children`), 'p95 ratio'];
  const widths = [40, ...results.map(() => 22), 10];
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${line(head)}`);
  const ratios: Record<string, number> = {};
  for (const q of QUERIES) {
    const ratio = Math.round((last.timings[q.name]!.p95 / first.timings[q.name]!.p95) * 10) / 10;
    ratios[q.name] = ratio;
    console.log(
      line([
        q.name,
        ...results.map((r) => `${r.timings[q.name]!.p50} / ${r.timings[q.name]!.p95}`),
        `${ratio}×${ratio < 2 ? '' : ' ✗'}`,
      ]),
    );
  }
  console.log(
    `goal: p95 at ${last.level.toLocaleString('en')} within 2× of ${first.level.toLocaleString('en')}; ` +
      `met by ${Object.values(ratios).filter((r) => r < 2).length} of ${QUERIES.length} queries`,
  );
  console.log(
    `load average (1/5/15 min) before/after each level: ${results.map((r) => `${r.loadBefore.join('/')} → ${r.loadAfter.join('/')}`).join('; ')}`,
  );
  console.log('explain:', JSON.stringify(explained));
  const out = path.join(__dirname, 'results', external ? 'ledger-scale-external.json' : 'ledger-scale.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify({ at: new Date().toISOString(), store: storeName, repeat: REPEAT, results, ratios, explain: explained }, null, 2)}\n`,
  );
  console.log(`written to ${path.relative(process.cwd(), out)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
