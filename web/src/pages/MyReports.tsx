/** A reporter's own reports, each with its progress in plain words (the API's statusLabel). */
import { api } from '../api/client';
import { Loaded } from '../components/status';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { Link } from '../router';

export function MyReports() {
  const { t, pick, formatDateTime } = useI18n();
  const reports = useLoad(() => api.myReports(), [], 60_000);
  const concernLabels = useLoad(() => api.policies(), []);
  const concernName = (code: string) => {
    if (concernLabels.status !== 'ready') return code;
    for (const p of concernLabels.data) {
      const c = p.concernTypes.find((x) => x.code === code);
      if (c) return pick(c.label);
    }
    return code;
  };
  return (
    <section className="page" aria-labelledby="mine-title">
      <h1 id="mine-title">{t('mine.title')}</h1>
      <Loaded state={reports}>
        {({ items }) =>
          items.length === 0 ? (
            <p>
              {t('mine.empty')} <Link href="/report">{t('nav.report')}</Link>
            </p>
          ) : (
            <ul className="cards">
              {items.map((r) => (
                <li key={r.receipt} className="card">
                  <dl className="kv">
                    <dt>{t('mine.receipt')}</dt>
                    <dd>
                      <strong>{r.receipt}</strong>
                    </dd>
                    <dt>{t('mine.filedAt')}</dt>
                    <dd>{formatDateTime(r.filedAt)}</dd>
                    <dt>{t('mine.concerns')}</dt>
                    <dd>{r.concerns.map(concernName).join('、')}</dd>
                    <dt>{t('mine.status')}</dt>
                    <dd>
                      <span className={`status status--${r.status}`}>{pick(r.statusLabel) || r.status}</span>
                    </dd>
                  </dl>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
