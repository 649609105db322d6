/** Each running clock as a bar from its start to its cap, with the clause it enforces; the soonest first. */
import { clockName } from '../../clocks';
import { ClockBar } from '../../components/ClockBar';
import { useI18n } from '../../i18n';
import { SectionActions } from './Section';
import { useCase } from './context';

export function Clocks() {
  const { t, pick } = useI18n();
  const { view, now, words } = useCase();
  const clocks = view.status.clocks;
  return (
    <section className="panel" aria-labelledby="clocks-h" data-section="clocks">
      <h2 id="clocks-h">{t('case.clocks')}</h2>
      {clocks.length === 0 ? (
        <p className="muted">{t('case.clocksEmpty')}</p>
      ) : (
        <ul className="plain" data-testid="clocks">
          {[...clocks]
            .sort((a, b) => Date.parse(a.firesAt) - Date.parse(b.firesAt))
            .map((clock) => (
              <li key={clock.id}>
                <ClockBar
                  label={clockName(clock.label, words, t, pick)}
                  clause={clock.clause}
                  startedAt={clock.startedAt}
                  firesAt={clock.firesAt}
                  now={now}
                />
              </li>
            ))}
        </ul>
      )}
      <SectionActions id="clocks" />
    </section>
  );
}
