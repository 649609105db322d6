/**
 * The street ledger (台账, CN 五(一), FT 三(一)1, 三(二)2, issue #18 item 4) as the committee's child welfare supervisor,
 * the street office and the coordinators read it on a phone: filters (committee, category, left-behind, risk, overdue
 * visit) kept in the address so the back button returns to the same list, the count, overdue visits marked in words,
 * paging, the XLSX export of the same selection, and a link to each child's ledger page.
 */
import type { LedgerRow } from '../../../../contracts/ledger';
import { api, type LedgerFilters } from '../../api/client';
import { Loaded } from '../../components/status';
import { useLoad } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n';
import { Link, navigate, useLocation } from '../../router';
import { useUser } from '../../session';
import { directoryOf, useLedgerReach, type LedgerReach } from './reach';

const PAGE_SIZE = 50;
const FILTER_KEYS = ['street', 'committee', 'category', 'leftBehind', 'risk', 'overdue', 'page'] as const;

function filtersFrom(search: URLSearchParams): LedgerFilters {
  const out: Record<string, string | number> = {};
  for (const k of FILTER_KEYS) {
    const v = search.get(k);
    if (v) out[k] = k === 'page' ? Math.max(1, Number(v) || 1) : v;
  }
  return out as LedgerFilters;
}

function hrefOf(filters: LedgerFilters): string {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = filters[k];
    if (v !== undefined && v !== '' && !(k === 'page' && v === 1)) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `/ledger?${s}` : '/ledger';
}

export function LedgerListPage() {
  const { t } = useI18n();
  const user = useUser();
  const reach = useLedgerReach(user);
  return (
    <section className="page page--wide" aria-labelledby="ledger-title">
      <h1 id="ledger-title">{t('ledger.title')}</h1>
      <p className="muted small">{t('ledger.intro')}</p>
      {reach === undefined ? null : reach.kind === 'none' ? (
        <p className="notice">{t('app.forbidden')}</p>
      ) : (
        <LedgerList reach={reach} />
      )}
    </section>
  );
}

function LedgerList({ reach }: { reach: Exclude<LedgerReach, { kind: 'none' }> }) {
  const { t, pick, formatDate } = useI18n();
  const { search } = useLocation();
  const filters = filtersFrom(search);
  const key = JSON.stringify(filters);
  const list = useLoad(() => api.ledger.list({ ...filters, page: filters.page ?? 1 }), [key]);
  const directory = useLoad(() => directoryOf(reach.districtCode), [reach.districtCode]);
  const policies = useLoad(() => api.policies(), []);
  const categories =
    policies.status === 'ready'
      ? (policies.data.find((p) => p.district.code === reach.districtCode)?.categoryTypes ?? [])
      : [];
  const agencies = directory.status === 'ready' ? directory.data : [];
  const streets = agencies
    .filter((a) => a.type === 'street_office' && a.jurisdiction.streetCode)
    .sort((a, b) => a.name.zh.localeCompare(b.name.zh, 'zh-CN'));
  const streetOfCommittees = reach.kind === 'district' ? filters.street : reach.streetCode;
  const committees = agencies.filter(
    (a) => a.level === 'committee' && a.jurisdiction.committeeCode && a.jurisdiction.streetCode === streetOfCommittees,
  );

  const set = (k: keyof LedgerFilters, v: string) => {
    const next: LedgerFilters = { ...filters, page: 1 };
    if (v) (next as Record<string, unknown>)[k] = v;
    else delete next[k];
    if (k === 'street') delete next.committee;
    navigate(hrefOf(next), { replace: true });
  };

  return (
    <>
      <p className="actions">
        <Link className="button primary" href="/ledger/enrol">
          {t('ledger.enrolLink')}
        </Link>
      </p>
      <form className="filters" aria-label={t('ledger.filters')} onSubmit={(e) => e.preventDefault()}>
        {reach.kind === 'district' ? (
          <label>
            {t('ledger.street')}
            <select value={filters.street ?? ''} onChange={(e) => set('street', e.target.value)}>
              <option value="">{t('ledger.all')}</option>
              {streets.map((s) => (
                <option key={s.code} value={s.jurisdiction.streetCode}>
                  {pick(s.name)}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {reach.kind !== 'committee' && committees.length > 0 ? (
          <label>
            {t('ledger.committee')}
            <select value={filters.committee ?? ''} onChange={(e) => set('committee', e.target.value)}>
              <option value="">{t('ledger.all')}</option>
              {committees.map((c) => (
                <option key={c.code} value={c.jurisdiction.committeeCode}>
                  {pick(c.name)}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          {t('ledger.category')}
          <select value={filters.category ?? ''} onChange={(e) => set('category', e.target.value)}>
            <option value="">{t('ledger.all')}</option>
            {categories.map((c) => (
              <option key={c.code} value={c.code}>
                {pick(c.label)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('ledger.leftBehind')}
          <select value={filters.leftBehind ?? ''} onChange={(e) => set('leftBehind', e.target.value)}>
            <option value="">{t('ledger.all')}</option>
            <option value="true">{t('ledger.yes')}</option>
            <option value="false">{t('ledger.no')}</option>
          </select>
        </label>
        <label>
          {t('ledger.risk')}
          <select value={filters.risk ?? ''} onChange={(e) => set('risk', e.target.value)}>
            <option value="">{t('ledger.all')}</option>
            {(['high', 'medium', 'low', 'unassessed'] as const).map((r) => (
              <option key={r} value={r}>
                {t(`risk.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="choice">
          <input
            type="checkbox"
            checked={filters.overdue === 'true'}
            onChange={(e) => set('overdue', e.target.checked ? 'true' : '')}
          />{' '}
          {t('ledger.overdueOnly')}
        </label>
      </form>
      <section className="panel export-bar" aria-labelledby="ledger-export-h">
        <h2 id="ledger-export-h" className="visually-hidden">
          {t('ledger.export')}
        </h2>
        <p className="muted small">{t('ledger.exportNote')}</p>
        <a className="button" href={api.ledger.exportHref(filters)} download>
          {t('ledger.export')}
        </a>
      </section>
      <section aria-labelledby="ledger-list-h">
        <Loaded state={list}>
          {({ items, total, overdueTotal, page }) => {
            const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
            return (
              <>
                <h2 id="ledger-list-h" data-testid="ledger-count">
                  {t('ledger.count', { n: total })}
                  {overdueTotal > 0 ? (
                    <span className="muted small" data-testid="ledger-count-overdue">
                      {' '}
                      · {t('ledger.countOverdue', { n: overdueTotal })}
                    </span>
                  ) : null}
                </h2>
                {items.length === 0 ? (
                  <p>{t('ledger.empty')}</p>
                ) : (
                  <ul className="cards" data-testid="ledger-list">
                    {items.map((row) => (
                      <LedgerCard key={row.childId} row={row} formatDate={formatDate} />
                    ))}
                  </ul>
                )}
                {pages > 1 ? (
                  <nav className="actions" aria-label={t('ledger.page', { page, pages })}>
                    {page > 1 ? (
                      <Link className="button" href={hrefOf({ ...filters, page: page - 1 })}>
                        {t('ledger.prev')}
                      </Link>
                    ) : null}
                    <span>{t('ledger.page', { page, pages })}</span>
                    {page < pages ? (
                      <Link className="button" href={hrefOf({ ...filters, page: page + 1 })}>
                        {t('ledger.next')}
                      </Link>
                    ) : null}
                  </nav>
                ) : null}
              </>
            );
          }}
        </Loaded>
      </section>
    </>
  );
}

function LedgerCard({ row, formatDate }: { row: LedgerRow; formatDate: (iso: string | null) => string }) {
  const { t, pick } = useI18n();
  const place = [row.streetName ? pick(row.streetName) : null, row.committeeName ? pick(row.committeeName) : null]
    .filter(Boolean)
    .join(' · ');
  return (
    <li className={`card${row.overdue ? ' task--overdue' : ''}`} data-testid="ledger-row" data-overdue={row.overdue}>
      <p className="card__title">
        <Link href={`/ledger/children/${encodeURIComponent(row.childId)}`}>{row.name}</Link>{' '}
        {row.approximateAge !== null ? (
          <span className="muted small">{t('ledger.age', { n: row.approximateAge })}</span>
        ) : null}{' '}
        {row.multipleDifficulty ? (
          <span className="badge badge--priority">{t('ledger.multipleDifficulty')}</span>
        ) : null}{' '}
        {row.leftBehind ? <span className="badge">{t('ledger.leftBehindBadge')}</span> : null}{' '}
        {row.status === 'case_open' ? <span className="badge">{t('ledger.caseOpen')}</span> : null}
      </p>
      {place ? <p className="small muted">{place}</p> : null}
      {row.categories.length > 0 ? <p className="small">{row.categories.map((c) => pick(c)).join('、')}</p> : null}
      <p className="small">
        {t('ledger.colRisk')}：
        <span className={`risk risk--${row.riskLevel}`}>{t(`risk.${row.riskLevel}` as MessageKey)}</span>
      </p>
      <p className="small" data-testid="ledger-next-visit">
        {t('ledger.colNextVisit')}：
        {row.overdue ? <span className="badge badge--overdue">{t('ledger.overdue')}</span> : null}{' '}
        {row.nextVisitDue ? formatDate(row.nextVisitDue) : t('ledger.noVisitDue')}
        {' · '}
        {row.lastVisitAt ? t('ledger.lastVisit', { date: formatDate(row.lastVisitAt) }) : t('ledger.neverVisited')}
      </p>
    </li>
  );
}
