/**
 * The coordinators' view of the ledger's visits (issue #18 item 4): per committee the children, the overdue visits
 * and the share visited on time (CN 五(一), FT 三(二)2 定期走访), and the ledger's children by category and by street.
 * Names, never codes; overdue said in words, not by colour alone.
 */
import type { ComplianceView } from '../../../../contracts/ledger';
import { api } from '../../api/client';
import { BarChart } from '../../components/charts';
import { Loaded } from '../../components/status';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link } from '../../router';

const POLL_MS = 60_000;

export function LedgerCompliancePanel() {
  const { t } = useI18n();
  const state = useLoad(() => api.ledger.compliance(), [], POLL_MS);
  return (
    <section className="panel" aria-labelledby="ledger-compliance-h" data-testid="ledger-compliance">
      <h2 id="ledger-compliance-h">{t('ledger.compliance.title')}</h2>
      <Loaded state={state}>{(data) => <ComplianceBody data={data} />}</Loaded>
      <p>
        <Link href="/ledger">{t('ledger.compliance.open')}</Link>
      </p>
    </section>
  );
}

function ComplianceBody({ data }: { data: ComplianceView }) {
  const { t, pick, formatDateTime } = useI18n();
  if (data.committees.length === 0 && data.byStreet.length === 0) return <p>{t('ledger.compliance.empty')}</p>;
  return (
    <>
      {data.asOf ? (
        <p className="muted small" data-testid="ledger-compliance-as-of">
          <time dateTime={data.asOf}>{t('dash.asOf', { time: formatDateTime(data.asOf) })}</time>
        </p>
      ) : null}
      <h3>{t('ledger.compliance.committees')}</h3>
      <div className="table-wrap">
        <table className="table table--wrap" data-testid="ledger-compliance-committees">
          <thead>
            <tr>
              <th scope="col">{t('ledger.compliance.colCommittee')}</th>
              <th scope="col">{t('ledger.compliance.colChildren')}</th>
              <th scope="col">{t('ledger.compliance.colOverdue')}</th>
              <th scope="col">{t('ledger.compliance.colRate')}</th>
            </tr>
          </thead>
          <tbody>
            {data.committees.map((c) => (
              <tr key={c.committeeCode || '-'} className={c.overdue > 0 ? 'row--overdue' : undefined}>
                <th scope="row">{c.name ? pick(c.name) : t('ledger.compliance.noCommittee')}</th>
                <td>{c.children}</td>
                <td>
                  {c.overdue > 0 ? (
                    <span className="badge badge--overdue">
                      {t('ledger.overdue')} {c.overdue}
                    </span>
                  ) : (
                    0
                  )}
                </td>
                <td>{Math.round(c.compliance * 100)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data.byCategory.length > 0 ? (
        <>
          <h3>{t('ledger.compliance.byCategory')}</h3>
          <BarChart
            valueLabel={t('ledger.compliance.colChildren')}
            title={t('ledger.compliance.byCategory')}
            data={data.byCategory.map((c) => ({ label: pick(c), value: c.children }))}
          />
        </>
      ) : null}
      {data.byStreet.length > 0 ? (
        <>
          <h3>{t('ledger.compliance.byStreet')}</h3>
          <BarChart
            valueLabel={t('ledger.compliance.colChildren')}
            title={t('ledger.compliance.byStreet')}
            data={data.byStreet.map((s) => ({ label: s.name ? pick(s.name) : s.streetCode, value: s.children }))}
          />
        </>
      ) : null}
    </>
  );
}
