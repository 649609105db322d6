/**
 * The coordinators' view: cases per stage, overdue tasks by agency, clocks running out in the next 7 days,
 * escalations this week, and the district's indicators as charts (report sources, time from report to police
 * acknowledgement and to assessment, per street). Filters narrow the case list; the numbers poll every 30 s.
 */
import { useState } from 'react';
import { api, exportHref } from '../api/client';
import { clockName, usePackWords } from '../clocks';
import type { CaseFilters } from '../../../contracts/cases';
import { CASE_STAGES } from '../../../contracts/enums';
import type { Indicators } from '../../../contracts/indicators';
import type { PolicySummary } from '../../../contracts/policies';
import { BarChart, Stat } from '../components/charts';
import { Countdown, Loaded } from '../components/status';
import { useLoad, useNow } from '../hooks';
import { useI18n, type MessageKey } from '../i18n';
import { formatSpan } from '../format';
import { Link } from '../router';
import { LedgerCompliancePanel } from './ledger/Compliance';
import { useUser } from '../session';

const POLL_MS = 30_000;

export function Dashboard() {
  const { t, pick, formatDateTime } = useI18n();
  const user = useUser();
  const [filters, setFilters] = useState<CaseFilters>(() => ({
    districtCode: user.jurisdiction.districtCode,
    ...(user.role === 'street_coordinator' && user.jurisdiction.streetCode
      ? { streetCode: user.jurisdiction.streetCode }
      : {}),
  }));
  const policies = useLoad(() => api.policies(), []);
  const indicators = useLoad(() => api.indicators(filters.districtCode), [filters.districtCode], POLL_MS);
  const cases = useLoad(() => api.cases(filters), [JSON.stringify(filters)], POLL_MS);
  // Issue 12: cases the reconciler flagged (failed, stuck, no first response in time) come before everything else.
  const attention = useLoad(
    () => api.cases({ districtCode: filters.districtCode, attention: true }),
    [filters.districtCode],
    POLL_MS,
  );
  const now = useNow();

  const setFilter = (key: keyof CaseFilters, value: string | boolean) =>
    setFilters((f) => {
      const next: CaseFilters = { ...f };
      if (value === '' || value === false) delete next[key];
      else (next as Record<string, unknown>)[key] = value;
      return next;
    });

  const districts: PolicySummary['district'][] =
    policies.status === 'ready' ? policies.data.map((p) => p.district) : [];
  const streets = indicators.status === 'ready' ? indicators.data.perStreet : [];
  const categoryLabel = new Map(
    cases.status === 'ready'
      ? cases.data.items.flatMap((c) => c.categories.map((code, i) => [code, c.categoryLabels[i]] as const))
      : [],
  );
  const categories = [...categoryLabel.keys()].sort();
  const streetName = (code?: string) => {
    const s = streets.find((x) => x.streetCode === code);
    return s ? pick(s.name) : (code ?? '—');
  };

  return (
    <section className="page page--wide" aria-labelledby="dash-title">
      <h1 id="dash-title">{t('dash.title')}</h1>
      <form className="filters" aria-label={t('dash.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('dash.district')}
          <select
            value={filters.districtCode ?? ''}
            onChange={(e) => setFilter('districtCode', e.target.value)}
            disabled={user.role === 'street_coordinator'}
          >
            <option value="">{t('dash.all')}</option>
            {districts.map((d) => (
              <option key={d.code} value={d.code}>
                {pick(d.name)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dash.street')}
          <select
            value={filters.streetCode ?? ''}
            onChange={(e) => setFilter('streetCode', e.target.value)}
            disabled={user.role === 'street_coordinator'}
          >
            <option value="">{t('dash.all')}</option>
            {streets.map((s) => (
              <option key={s.streetCode} value={s.streetCode}>
                {pick(s.name)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dash.stage')}
          <select value={filters.stage ?? ''} onChange={(e) => setFilter('stage', e.target.value)}>
            <option value="">{t('dash.all')}</option>
            {CASE_STAGES.map((s) => (
              <option key={s} value={s}>
                {t(`stage.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dash.category')}
          <select value={filters.category ?? ''} onChange={(e) => setFilter('category', e.target.value)}>
            <option value="">{t('dash.all')}</option>
            {categories.map((c) => (
              <option key={c} value={c}>
                {categoryLabel.get(c) ? pick(categoryLabel.get(c)!) : c}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dash.risk')}
          <select value={filters.risk ?? ''} onChange={(e) => setFilter('risk', e.target.value)}>
            <option value="">{t('dash.all')}</option>
            {(['high', 'medium', 'low'] as const).map((r) => (
              <option key={r} value={r}>
                {t(`risk.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dash.caseNumber')}
          <input
            type="search"
            value={filters.number ?? ''}
            placeholder="长宁-2026-000123"
            onChange={(e) => setFilter('number', e.target.value.trim())}
          />
        </label>
        <label className="choice">
          <input
            type="checkbox"
            checked={filters.overdue === true}
            onChange={(e) => setFilter('overdue', e.target.checked)}
          />{' '}
          {t('dash.overdueOnly')}
        </label>
      </form>
      <section className="panel export-bar no-print" aria-labelledby="export-h" data-testid="exports">
        <h2 id="export-h">{t('dash.exports')}</h2>
        <p className="muted small">{t('dash.exportNote')}</p>
        <div className="actions">
          <a className="button" href={exportHref('cases', 'xlsx', { ...filters })} download>
            {t('dash.exportCasesXlsx')}
          </a>
          <a className="button" href={exportHref('cases', 'csv', { ...filters })} download>
            {t('dash.exportCasesCsv')}
          </a>
          <a
            className="button"
            href={exportHref('indicators', 'xlsx', { districtCode: filters.districtCode })}
            download
          >
            {t('dash.exportIndicatorsXlsx')}
          </a>
          <a className="button" href={exportHref('indicators', 'csv', { districtCode: filters.districtCode })} download>
            {t('dash.exportIndicatorsCsv')}
          </a>
          <button type="button" onClick={() => window.print()}>
            {t('dash.print')}
          </button>
        </div>
      </section>
      <p className="print-only small">{t('dash.printedAt', { time: formatDateTime(new Date(now).toISOString()) })}</p>
      {attention.status === 'ready' && attention.data.items.length > 0 ? (
        <section className="panel panel--alert" aria-labelledby="attention-h" data-testid="attention-list">
          <h2 id="attention-h">{t('dash.attention')}</h2>
          <ul>
            {attention.data.items.map((c) => (
              <li key={c.caseId}>
                <Link href={`/cases/${encodeURIComponent(c.caseId)}`}>{c.caseNumber}</Link>{' '}
                {c.attention ? t(`dash.attention.${c.attention.reason}` as MessageKey) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <LedgerCompliancePanel />

      <Loaded state={indicators}>
        {(data) => (
          <IndicatorPanels
            data={data}
            now={now}
            packId={
              policies.status === 'ready'
                ? policies.data.find((p) => p.district.code === (filters.districtCode ?? data.districtCode))?.id
                : undefined
            }
          />
        )}
      </Loaded>

      <section aria-labelledby="cases-h" className="panel">
        <Loaded state={cases}>
          {({ items, total, totalCapped }) => (
            <>
              <h2 id="cases-h">
                {totalCapped
                  ? t('dash.caseListCapped', { n: total.toLocaleString('en-US') })
                  : t('dash.caseList', { n: total })}{' '}
                {cases.status === 'ready' && cases.refreshing ? (
                  <span className="muted small">{t('dash.refreshing')}</span>
                ) : null}
              </h2>
              {totalCapped ? (
                <p className="muted small" data-testid="case-count-capped">
                  {t('dash.caseListCappedNote', { n: total.toLocaleString('en-US') })}
                </p>
              ) : null}
              {items.length === 0 ? (
                <p>{t('dash.noCases')}</p>
              ) : (
                <div className="table-wrap">
                  <table className="table table--cards" data-testid="case-list">
                    <thead>
                      <tr>
                        <th scope="col">{t('dash.caseNumber')}</th>
                        <th scope="col">{t('dash.stage')}</th>
                        <th scope="col">{t('dash.risk')}</th>
                        <th scope="col">{t('dash.street')}</th>
                        <th scope="col">{t('dash.openTasks')}</th>
                        <th scope="col">{t('dash.nextDeadline')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {items.map((c) => (
                        <tr key={c.caseId} className={c.overdueTasks > 0 ? 'row--overdue' : undefined}>
                          <th scope="row">
                            <Link href={`/cases/${encodeURIComponent(c.caseId)}`}>{c.caseNumber}</Link>
                            {c.multipleDifficulty ? (
                              <>
                                {' '}
                                <span className="badge badge--priority" data-testid="multiple-difficulty">
                                  {t('priority.multipleDifficulty')}
                                </span>
                              </>
                            ) : null}
                          </th>
                          <td data-label={t('dash.stage')}>{t(`stage.${c.stage}` as MessageKey)}</td>
                          <td data-label={t('dash.risk')}>
                            <span className={`risk risk--${c.risk}`}>{t(`risk.${c.risk}` as MessageKey)}</span>
                          </td>
                          <td data-label={t('dash.street')}>{streetName(c.streetCode)}</td>
                          <td data-label={t('dash.openTasks')}>
                            {c.openTasks}
                            {c.overdueTasks > 0 ? (
                              <>
                                {' '}
                                <span className="badge badge--overdue">
                                  {t('dash.overdue')} {c.overdueTasks}
                                </span>
                              </>
                            ) : null}
                          </td>
                          <td data-label={t('dash.nextDeadline')}>
                            {c.nextDeadline ? <Countdown deadline={c.nextDeadline} now={now} /> : '—'}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          )}
        </Loaded>
      </section>
    </section>
  );
}

function IndicatorPanels({ data, now, packId }: { data: Indicators; now: number; packId?: string }) {
  const { t, pick, formatDateTime } = useI18n();
  // The district's current pack: clocks that started under an older version may keep its wording.
  const words = usePackWords(packId);
  const stageData = CASE_STAGES.map((s) => ({ label: t(`stage.${s}`), value: data.casesByStage[s] ?? 0 }));
  const sourceData = Object.entries(data.reportsBySourceType).map(([type, n]) => ({
    label: labelForUnitType(type, t),
    value: n ?? 0,
  }));
  return (
    <>
      {/* The indicators are the district's snapshot (recomputed every minute): say when, and when it is too old. */}
      <p className="muted small" data-testid="indicators-as-of">
        <time dateTime={data.asOf}>{t('dash.asOf', { time: formatDateTime(data.asOf) })}</time>
        {data.stale ? <strong> {t('dash.asOfStale')}</strong> : null}
      </p>
      <div className="stats">
        <Stat label={t('dash.escalationsWeek')} value={String(data.escalationsThisWeek)} />
        <Stat label={t('dash.missedNoticesWeek')} value={String(data.missedNoticesThisWeek)} />
        <Stat
          label={t('dash.policeAck')}
          value={
            data.medianMinutesToPoliceAck == null
              ? t('dash.noData')
              : t('dash.minutes', { n: Math.round(data.medianMinutesToPoliceAck) })
          }
        />
        <Stat
          label={t('dash.assessmentTime')}
          value={
            data.medianHoursToAssessment == null
              ? t('dash.noData')
              : t('dash.hours', { n: Math.round(data.medianHoursToAssessment) })
          }
        />
      </div>
      <div className="grid">
        <section className="panel" aria-labelledby="stage-h">
          <h2 id="stage-h">{t('dash.casesByStage')}</h2>
          <BarChart title={t('dash.casesByStage')} data={stageData} valueLabel={t('dash.cases')} />
        </section>
        <section className="panel" aria-labelledby="agency-h">
          <h2 id="agency-h">{t('dash.overdueByAgency')}</h2>
          <BarChart
            title={t('dash.overdueByAgency')}
            data={data.overdueByAgency.map((a) => ({ label: pick(a.name) || a.agencyCode, value: a.count }))}
            valueLabel={t('dash.overdue')}
          />
        </section>
        <section className="panel" aria-labelledby="source-h">
          <h2 id="source-h">{t('dash.reportsBySource')}</h2>
          <BarChart title={t('dash.reportsBySource')} data={sourceData} valueLabel={t('dash.cases')} />
        </section>
        <section className="panel" aria-labelledby="street-h">
          <h2 id="street-h">{t('dash.perStreet')}</h2>
          <BarChart
            title={t('dash.perStreet')}
            data={data.perStreet.map((s) => ({
              label: pick(s.name) || s.streetCode,
              value: s.cases,
              secondary: s.overdue,
            }))}
            valueLabel={t('dash.cases')}
            secondaryLabel={t('dash.overdue')}
          />
        </section>
        <section className="panel" aria-labelledby="units-h">
          <h2 id="units-h">{t('dash.perReportingUnit')}</h2>
          {(data.perReportingUnit ?? []).length === 0 ? (
            <p className="muted">{t('dash.noData')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table table--wrap" data-testid="reporting-units">
                <thead>
                  <tr>
                    <th scope="col">{t('dash.unit')}</th>
                    <th scope="col">{t('dash.unitReports')}</th>
                    <th scope="col">{t('dash.unitLate')}</th>
                    <th scope="col">{t('dash.unitMedian')}</th>
                  </tr>
                </thead>
                <tbody>
                  {(data.perReportingUnit ?? []).map((u) => (
                    <tr key={u.agencyCode}>
                      <th scope="row">{pick(u.name)}</th>
                      <td>{u.reports}</td>
                      <td>{u.lateReports}</td>
                      <td>
                        {u.medianMinutesToReport == null
                          ? t('dash.noData')
                          : formatSpan(u.medianMinutesToReport * 60_000, t)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section className="panel" aria-labelledby="soon-h">
          <h2 id="soon-h">{t('dash.clocksSoon')}</h2>
          {data.clocksEndingSoon.length === 0 ? (
            <p className="muted">{t('dash.clocksSoonEmpty')}</p>
          ) : (
            <ul className="plain">
              {[...data.clocksEndingSoon]
                .sort((a, b) => Date.parse(a.firesAt) - Date.parse(b.firesAt))
                .map((c) => (
                  <li key={`${c.caseId}-${c.clockId}`}>
                    <Link href={`/cases/${encodeURIComponent(c.caseId)}`}>{clockName(c.label, words, t, pick)}</Link>{' '}
                    <span className="clause">{c.clause}</span>
                    <br />
                    <span className="small">{formatDateTime(c.firesAt)}</span>{' '}
                    <Countdown deadline={c.firesAt} now={now} />
                  </li>
                ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

/** Source types are reporter unit types; an unknown one shows its code. */
function labelForUnitType(type: string, t: (k: MessageKey) => string): string {
  const key = `unitType.${type}` as MessageKey;
  const label = t(key);
  return label === key ? type : label;
}
