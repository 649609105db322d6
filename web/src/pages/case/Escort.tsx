/** The escort of a non-local child to the civil affairs of the registration place, and its confirmation (CN 四(三)). */
import { useI18n } from '../../i18n';
import { Section } from './Section';
import { useCase } from './context';

export function Escort() {
  const { t, pick, formatDateTime } = useI18n();
  const { view } = useCase();
  const escort = view.cockpit.escort;
  return (
    <Section id="escort" title={t('case.section.escort')} empty={!escort}>
      {escort ? (
        <>
          <p>{t('cockpit.escortTo', { place: escort.registrationPlace })}</p>
          {escort.agency ? (
            <p className="small">{t('cockpit.escortBy', { agency: pick(escort.agency.name) })}</p>
          ) : null}
          <p className="small">
            {escort.confirmedAt
              ? t('cockpit.escortConfirmed', {
                  at: formatDateTime(escort.confirmedAt),
                  ref: escort.confirmationRef ?? '',
                })
              : t('cockpit.escortPending')}
          </p>
        </>
      ) : null}
    </Section>
  );
}
