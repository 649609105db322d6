/**
 * The procuratorate's supervision referrals (FT 三(三)2(4) "检察院要依法行使司法监督权力，对相关部门作出司法监督";
 * issue #17 item 6): every agency referred for letting its tasks run through their escalation ladders, newest first,
 * with the outcome once recorded. Each opens its task, where the outcome is recorded.
 */
import { api } from '../api/client';
import { Countdown, Loaded } from '../components/status';
import { humanizeDurations } from '../format';
import { useLoad, useNow } from '../hooks';
import { useI18n, type MessageKey } from '../i18n';
import { Link } from '../router';

const CLOSED = new Set(['completed', 'declined', 'withdrawn']);

export function Referrals() {
  const { t, pick, formatDateTime } = useI18n();
  const referrals = useLoad(() => api.referrals(), [], 30_000);
  const now = useNow();
  return (
    <section className="page" aria-labelledby="referrals-title">
      <h1 id="referrals-title">{t('referrals.title')}</h1>
      <Loaded state={referrals}>
        {({ items }) =>
          items.length === 0 ? (
            <p>{t('referrals.empty')}</p>
          ) : (
            <ul className="cards" data-testid="referral-list">
              {items.map((r) => (
                <li key={r.taskId} className={`card task${r.overdue ? ' task--overdue' : ''}`}>
                  <h2 className="card__title">
                    <Link href={`/tasks/${encodeURIComponent(r.taskId)}`}>{pick(r.againstAgency.name)}</Link>
                  </h2>
                  <p>{t('referrals.summary', { count: r.exhaustedTasks, period: humanizeDurations(r.period, t) })}</p>
                  <dl className="kv">
                    <dt>{t('inbox.status')}</dt>
                    <dd>{t(`status.${r.status}` as MessageKey)}</dd>
                    {r.openedAt ? (
                      <>
                        <dt>{t('referrals.openedAt')}</dt>
                        <dd>{formatDateTime(r.openedAt)}</dd>
                      </>
                    ) : null}
                    {!CLOSED.has(r.status) ? (
                      <>
                        <dt>{t('deadline.complete')}</dt>
                        <dd>
                          <Countdown deadline={r.completeBy} now={now} overdue={r.overdue} />
                        </dd>
                      </>
                    ) : null}
                    <dt>{t('referrals.outcome')}</dt>
                    <dd data-testid="referral-outcome">
                      {r.outcome
                        ? `${t(`outcome.supervision.result.${r.outcome.code}` as MessageKey)}：${r.outcome.note}`
                        : t('referrals.pending')}
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
