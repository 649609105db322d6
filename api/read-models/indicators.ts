/**
 * The district's indicators (CN 五(一), FT 三(四)3: the district sets indicators and assesses agencies).
 *
 * The dashboard reads them from the district's summary document (`readIndicators`): one document by `_id`, written
 * every minute by a durable Temporal workflow per district (workflows/indicator-snapshot.workflow.ts, activity
 * `refreshIndicatorSnapshot` below). Why a snapshot and not counters kept by the projection writes: most of these
 * numbers depend on the clock, not only on the records — overdue tasks and cases, the week's escalations and missed
 * notices, clocks ending soon, medians over recent samples — and a counter cannot follow a deadline passing without a
 * write; a snapshot recomputes all of them with the same code at one instant, exact as of `asOf`, which the page
 * shows ("统计于 HH:MM"). Its freshness is bounded by the workflow's interval (plus one computation); an older one is
 * marked `stale`. The lists a coordinator must act on now stay live queries elsewhere (the cases needing attention,
 * the case list with its overdue filter, the inbox).
 *
 * The computation runs over the projection with only the aggregation stages both MongoDB and FerretDB v1 run
 * ($match, $group with $sum, $sort, $unwind, $count); medians and the clocks ending soon are computed here over bounded
 * fetches, each query shaped so the embedded store can hand its filter and sort to SQLite.
 */
import { AgencyModel, type AgencyRecord } from '../../models/agency';
import { loadIndicatorSnapshot, saveIndicatorSnapshot } from '../../models/indicator-snapshot';
import { ledgerCells } from '../../models/ledger-repository';
import { CaseModel, type CaseRecord } from '../../models/case';
import { NotificationModel } from '../../models/notification';
import { ReportModel } from '../../models/report';
import { utcDay } from '../../models/common';
import { TaskModel, type TaskRecord } from '../../models/task';
import { overdueTaskFilter } from './tasks';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How many recent tasks a median is taken over. */
const MEDIAN_SAMPLE = 1_000;
/** How many clocks ending soon the dashboard lists, and how many cases a page of their search reads. */
const SOON_LIMIT = 20;
const SOON_PAGE = 50;

type Bilingual = { zh: string; en: string };

export interface Indicators {
  districtCode: string;
  casesByStage: Record<string, number>;
  overdueByAgency: { agencyCode: string; name: Bilingual; count: number }[];
  reportsBySourceType: Record<string, number>;
  medianMinutesToPoliceAck: number | null;
  medianHoursToAssessment: number | null;
  perStreet: { streetCode: string; name: Bilingual; cases: number; overdue: number }[];
  escalationsThisWeek: number;
  missedNoticesThisWeek: number;
  perReportingUnit: ReportingUnitIndicator[];
  clocksEndingSoon: { caseId: string; clockId: string; label: string; clause: string; firesAt: string }[];
}

export interface ReportingUnitIndicator {
  agencyCode: string;
  name: Bilingual;
  reports: number;
  lateReports: number;
  medianMinutesToReport: number | null;
}

/** How many of a district's recent reports the per-unit medians are taken over. */
const REPORT_SAMPLE = 5_000;

/**
 * Per reporting unit (CN 四(一), issue #17 item 6): reports filed ($group count), late reports (the late-report
 * findings the case workflows recorded, counted from the cases' findings), and the median minutes from discovery to
 * the report over the district's recent reports (sorted projection, median in code: FerretDB v1 has no $median).
 */
async function perReportingUnit(
  districtCode: string,
  nameOf: (code: string) => Bilingual | undefined,
): Promise<ReportingUnitIndicator[]> {
  const inDistrict = { 'place.districtCode': districtCode, 'reportingUnit.agencyCode': { $ne: null } };
  const [counts, recent, withFindings] = await Promise.all([
    ReportModel.aggregate<Counted>([
      { $match: inDistrict },
      { $group: { _id: '$reportingUnit.agencyCode', count: { $sum: 1 } } },
      { $sort: { count: -1, _id: 1 } },
    ]).exec(),
    ReportModel.find(inDistrict, { 'reportingUnit.agencyCode': 1, discoveredAt: 1, reportedAt: 1 })
      .sort({ reportedAt: -1 })
      .limit(REPORT_SAMPLE)
      .lean<{ reportingUnit?: { agencyCode?: string | null }; discoveredAt: Date; reportedAt: Date }[]>()
      .exec(),
    CaseModel.find({ 'jurisdiction.districtCode': districtCode, 'findings.kind': 'late_report' }, { findings: 1 })
      .limit(REPORT_SAMPLE)
      .lean<{ findings?: unknown[] }[]>()
      .exec(),
  ]);
  const delays = new Map<string, number[]>();
  for (const r of recent) {
    const code = r.reportingUnit?.agencyCode;
    if (!code) continue;
    const minutes = (new Date(r.reportedAt).getTime() - new Date(r.discoveredAt).getTime()) / MINUTE;
    delays.set(code, [...(delays.get(code) ?? []), minutes]);
  }
  const late = new Map<string, Set<string>>();
  for (const c of withFindings) {
    for (const f of (c.findings ?? []) as { kind?: string; againstUnitId?: string; reportId?: string }[]) {
      if (f.kind !== 'late_report' || !f.againstUnitId) continue;
      late.set(f.againstUnitId, (late.get(f.againstUnitId) ?? new Set()).add(f.reportId ?? ''));
    }
  }
  const codes = new Set([...counts.map((r) => String(r._id ?? '')), ...late.keys()].filter(Boolean));
  const reports = new Map(counts.map((r) => [String(r._id), r.count]));
  return [...codes]
    .map((code) => ({
      agencyCode: code,
      name: nameOf(code) ?? { zh: code, en: code },
      reports: reports.get(code) ?? 0,
      lateReports: late.get(code)?.size ?? 0,
      medianMinutesToReport: round1(median(delays.get(code) ?? [])),
    }))
    .sort((a, b) => b.lateReports - a.lateReports || b.reports - a.reports || a.agencyCode.localeCompare(b.agencyCode));
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

type Counted = { _id: string | null; count: number };

const toRecord = (rows: Counted[]) =>
  Object.fromEntries(rows.filter((r) => r._id !== null && r._id !== undefined).map((r) => [String(r._id), r.count]));

/** What the dashboard shows: the indicators, the instant they were computed for, and whether that is too old. */
export type IndicatorsAsOf = Indicators & { asOf: string; stale: boolean };

/** Slack on top of the snapshot's expected age before it is called out of date. */
const STALE_GRACE_MS = 2 * MINUTE;

/**
 * The district's indicators as the dashboard reads them: its snapshot, one document by `_id`, out of date (`stale`)
 * when older than twice a round of its workflow (the interval plus the computation, which grows with the district:
 * the next snapshot's instant is when its computation starts) plus STALE_GRACE_MS. Before the district's first snapshot
 * (a worker starts the snapshot workflows when it starts: workers/indicator-snapshots.ts) they are computed now.
 */
export async function readIndicators(districtCode: string, now: Date): Promise<IndicatorsAsOf> {
  const snapshot = await loadIndicatorSnapshot<Indicators>(districtCode);
  if (!snapshot) return { ...(await computeIndicators(districtCode, now)), asOf: now.toISOString(), stale: false };
  const age = now.getTime() - snapshot.asOf.getTime();
  return {
    ...snapshot.indicators,
    asOf: snapshot.asOf.toISOString(),
    stale: age > 2 * (snapshot.everySeconds * 1000 + (snapshot.computeMs ?? 0)) + STALE_GRACE_MS,
  };
}

/**
 * Computes the district's indicators as of now and stores them as its snapshot (the snapshot workflow's activity).
 * Idempotent: a retry computes a newer snapshot, and an older one never replaces a newer (saveIndicatorSnapshot).
 */
export async function refreshIndicatorSnapshot(
  districtCode: string,
  everySeconds: number,
  now = new Date(),
): Promise<{ asOf: string; computeMs: number; written: boolean }> {
  const started = Date.now();
  const indicators = await computeIndicators(districtCode, now);
  // The ledger's street × committee cells at the same instant: the visit-compliance panel of every reach (issue #18).
  const ledger = await ledgerCells(districtCode, now);
  const computeMs = Date.now() - started;
  const written = await saveIndicatorSnapshot({ districtCode, asOf: now, everySeconds, computeMs, indicators, ledger });
  return { asOf: now.toISOString(), computeMs, written };
}

export async function computeIndicators(districtCode: string, now: Date, soonHours = 7 * 24): Promise<Indicators> {
  const agencies = await AgencyModel.find(
    { 'jurisdiction.districtCode': districtCode },
    { code: 1, name: 1, type: 1, level: 1, jurisdiction: 1 },
  )
    .lean<AgencyRecord[]>()
    .exec();
  const agencyCodes = agencies.map((a) => a.code);
  const nameOf = new Map(agencies.map((a) => [a.code, { zh: a.name.zh, en: a.name.en }]));
  const streetNames = new Map(
    agencies
      .filter((a) => a.type === 'street_office' && a.jurisdiction?.streetCode)
      .map((a) => [a.jurisdiction!.streetCode!, { zh: a.name.zh, en: a.name.en }]),
  );
  const inDistrict = { 'jurisdiction.districtCode': districtCode };
  const soonUntil = new Date(now.getTime() + soonHours * HOUR);
  const districtTasks = { agencyCode: { $in: agencyCodes } };

  const [
    byStage,
    overdueAgencies,
    reportSources,
    streets,
    overdueStreets,
    escalations,
    soon,
    acks,
    assessments,
    missedNotices,
    units,
  ] = await Promise.all([
    CaseModel.aggregate<Counted>([{ $match: inDistrict }, { $group: { _id: '$stage', count: { $sum: 1 } } }]).exec(),
    // Overdue tasks of every agency, counted per agency by the store, then kept for this district's agencies below.
    // Not `agencyCode: { $in: <the district's agencies> }` in the $match: with the overdue `$or` the embedded store
    // expands the two into a condition per agency and branch, which took 16 s over 10,000 tasks against 1.3 s for
    // the count of every agency (bench/README.md, 2026-11-30).
    TaskModel.aggregate<Counted>([
      { $match: overdueTaskFilter(now) },
      { $group: { _id: '$agencyCode', count: { $sum: 1 } } },
    ]).exec(),
    ReportModel.aggregate<Counted>([
      { $match: { 'place.districtCode': districtCode } },
      { $group: { _id: '$reportingUnit.type', count: { $sum: 1 } } },
    ]).exec(),
    CaseModel.aggregate<Counted>([
      { $match: inDistrict },
      { $group: { _id: '$jurisdiction.streetCode', count: { $sum: 1 } } },
    ]).exec(),
    CaseModel.aggregate<Counted>([
      { $match: { ...inDistrict, nextDeadline: { $lt: now } } },
      { $group: { _id: '$jurisdiction.streetCode', count: { $sum: 1 } } },
    ]).exec(),
    // Only the tasks whose latest escalation fell on one of the last 8 UTC days can hold one of this week's: an
    // equality the store answers from an index (models/task.ts), instead of unwinding every task of the district.
    TaskModel.aggregate<{ n: number }>([
      { $match: { lastEscalationDay: { $in: daysBack(now, 7) }, ...districtTasks } },
      { $unwind: '$escalations' },
      { $match: { 'escalations.at': { $gte: new Date(now.getTime() - 7 * DAY) } } },
      { $count: 'n' },
    ]).exec(),
    clocksEndingSoon(inDistrict, now, soonUntil),
    // The most recent acceptances: sorted by `acceptedAt` descending, tasks never accepted (no `acceptedAt`) come
    // after every accepted one, so the first MEDIAN_SAMPLE rows with `acceptedAt` are exactly the sample
    // `acceptedAt: { $ne: null }` would select. Without that condition the filter is equalities only, which the
    // embedded store hands to SQLite with the sort, and it decodes one sample instead of the district's tasks.
    TaskModel.find({ ...districtTasks, kind: 'police_response' }, { acceptedAt: 1, openedAt: 1, createdAt: 1 })
      .sort({ acceptedAt: -1 })
      .limit(MEDIAN_SAMPLE)
      .lean<Pick<TaskRecord, 'acceptedAt' | 'openedAt' | 'createdAt'>[]>()
      .exec(),
    // The same for completed assessments (a completed task without `completedAt` sorts after the others).
    TaskModel.find(
      { ...districtTasks, kind: 'joint_assessment', status: 'completed' },
      { caseWorkflowId: 1, completedAt: 1, openedAt: 1 },
    )
      .sort({ completedAt: -1 })
      .limit(MEDIAN_SAMPLE)
      .lean<Pick<TaskRecord, 'caseWorkflowId' | 'completedAt' | 'openedAt'>[]>()
      .exec(),
    // Missed notices (a task's notice refused by the mail server, escalated): one per refused notice, however many
    // coordinators' inboxes it reached; counted where it reached an account of this district.
    NotificationModel.aggregate<{ n: number }>([
      {
        $match: {
          kind: 'missed_notice',
          channel: 'inbox',
          'recipient.agencyCode': { $in: agencyCodes },
          createdAt: { $gte: new Date(now.getTime() - 7 * DAY) },
        },
      },
      { $group: { _id: '$eventKey' } },
      { $count: 'n' },
    ]).exec(),
    perReportingUnit(districtCode, (code) => nameOf.get(code)),
  ]);

  const ackMinutes = acks.flatMap((t) => {
    const from = t.openedAt ?? t.createdAt;
    return t.acceptedAt && from ? [(new Date(t.acceptedAt).getTime() - new Date(from).getTime()) / MINUTE] : [];
  });

  // Hours from the case opening (the report) to the completed joint assessment (CN 四(三)).
  const caseIds = [...new Set(assessments.map((t) => t.caseWorkflowId).filter((id): id is string => Boolean(id)))];
  const opened = new Map(
    (caseIds.length
      ? await CaseModel.find({ workflowId: { $in: caseIds } }, { workflowId: 1, openedAt: 1 })
          .lean<CaseRecord[]>()
          .exec()
      : []
    ).map((c) => [c.workflowId, c.openedAt]),
  );
  const assessmentHours = assessments.flatMap((t) => {
    const from = opened.get(t.caseWorkflowId ?? '') ?? t.openedAt;
    return t.completedAt && from ? [(new Date(t.completedAt).getTime() - new Date(from).getTime()) / HOUR] : [];
  });

  const overdueByStreet = new Map(overdueStreets.map((r) => [r._id, r.count]));
  return {
    districtCode,
    casesByStage: toRecord(byStage),
    overdueByAgency: overdueAgencies
      .filter((r) => nameOf.has(String(r._id)))
      .sort((a, b) => b.count - a.count || (String(a._id) < String(b._id) ? -1 : 1))
      .map((r) => ({
        agencyCode: String(r._id),
        name: nameOf.get(String(r._id)) ?? { zh: String(r._id), en: String(r._id) },
        count: r.count,
      })),
    reportsBySourceType: toRecord(reportSources),
    medianMinutesToPoliceAck: round1(median(ackMinutes)),
    medianHoursToAssessment: round1(median(assessmentHours)),
    perStreet: streets
      .filter((r) => r._id)
      .map((r) => ({
        streetCode: String(r._id),
        name: streetNames.get(String(r._id)) ?? { zh: String(r._id), en: String(r._id) },
        cases: r.count,
        overdue: overdueByStreet.get(r._id) ?? 0,
      }))
      .sort((a, b) => b.cases - a.cases || a.streetCode.localeCompare(b.streetCode)),
    escalationsThisWeek: escalations[0]?.n ?? 0,
    missedNoticesThisWeek: missedNotices[0]?.n ?? 0,
    perReportingUnit: units,
    clocksEndingSoon: soon,
  };
}

/** The UTC days from `days` days before `now` to `now`'s day, inclusive (models/projection-repository.ts utcDay). */
function daysBack(now: Date, days: number): string[] {
  return Array.from({ length: days + 1 }, (_, i) => utcDay(new Date(now.getTime() - i * DAY)));
}

type ClockEndingSoon = Indicators['clocksEndingSoon'][number];

/**
 * The SOON_LIMIT clocks of the district's cases firing between now and `until`, soonest first. Reads the cases with a
 * pending clock in the order of their soonest clock (`nextClockAt`, models/projection-repository.ts clockSummary: an
 * equality and a sort the embedded store hands to SQLite), a page at a time, and stops when the next case's soonest
 * clock is past `until` or past the last of SOON_LIMIT clocks already found: every clock of a case fires at or after
 * its `nextClockAt`, so no later case can hold a sooner one. Was a range inside the `clocks` array, which made the
 * store decode every case of the district.
 */
async function clocksEndingSoon(
  inDistrict: Record<string, unknown>,
  now: Date,
  until: Date,
): Promise<ClockEndingSoon[]> {
  const found: (ClockEndingSoon & { at: number })[] = [];
  for (let skip = 0; ; skip += SOON_PAGE) {
    const page = await CaseModel.find(
      { ...inDistrict, clockPending: true },
      { workflowId: 1, clocks: 1, nextClockAt: 1 },
    )
      .sort({ nextClockAt: 1, _id: 1 })
      .skip(skip)
      .limit(SOON_PAGE)
      .lean<Pick<CaseRecord, 'workflowId' | 'clocks' | 'nextClockAt'>[]>()
      .exec();
    for (const c of page) {
      const first = c.nextClockAt ? new Date(c.nextClockAt).getTime() : 0;
      // Full: a later case can hold no clock sooner than the last one kept (one at the same instant may be left out,
      // as any order among equal instants is arbitrary). Not full: a case whose soonest clock is past the window.
      const full = found.length >= SOON_LIMIT;
      if (full ? first >= found[SOON_LIMIT - 1]!.at : first > until.getTime())
        return found.slice(0, SOON_LIMIT).map(({ at: _at, ...clock }) => clock);
      for (const clock of c.clocks ?? []) {
        const at = new Date(clock.firesAt).getTime();
        if (at < now.getTime() || at > until.getTime()) continue;
        found.push({
          caseId: c.workflowId,
          clockId: clock.id,
          label: clock.label ?? clock.id,
          clause: clock.clause ?? '',
          firesAt: new Date(at).toISOString(),
          at,
        });
      }
      found.sort((a, b) => a.at - b.at);
    }
    if (page.length < SOON_PAGE) return found.slice(0, SOON_LIMIT).map(({ at: _at, ...clock }) => clock);
  }
}
