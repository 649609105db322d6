/**
 * One case as a cockpit: the child's file (as far as the viewer's scope allows: the API filters it), the stage and
 * risk, each running clock as a bar from its start to its cap with the clause it enforces, a section per workflow
 * (placements, guardian search, services, legal steps, neglect, court, escort, classification and benefits), the
 * tasks, the timeline. Each section has an actions slot (./actions.tsx) for the forms the viewer's role allows.
 */
import { api } from '../../api/client';
import type { CaseView } from '../../../../contracts/cases';
import { usePackWords } from '../../clocks';
import { Loaded } from '../../components/status';
import { useLoad, useNow } from '../../hooks';
import { useI18n } from '../../i18n';
import { useUser } from '../../session';
import { Benefits } from './Benefits';
import { Child } from './Child';
import { Clocks } from './Clocks';
import { CaseContext } from './context';
import { Court } from './Court';
import { Escort } from './Escort';
import { GuardianSearch } from './GuardianSearch';
import { LegalSteps } from './LegalSteps';
import { Neglect } from './Neglect';
import { Placements } from './Placements';
import { Services } from './Services';
import { Summary } from './Summary';
import { Escalations, Findings, MyTaskActions, OpenTasks } from './Tasks';
import { Attachments, Notes } from './Records';
import { Timeline } from './Timeline';

export function CasePage({ caseId }: { caseId: string }) {
  const { t } = useI18n();
  const view = useLoad(() => api.case(caseId), [caseId], 30_000);
  return (
    <section className="page page--wide" aria-labelledby="case-title">
      {view.status !== 'ready' ? <h1 id="case-title">{t('case.title', { number: '' })}</h1> : null}
      <Loaded state={view}>{(data) => <CaseBody view={data} reload={view.reload} />}</Loaded>
    </section>
  );
}

function CaseBody({ view, reload }: { view: CaseView; reload(): void }) {
  const user = useUser();
  const now = useNow(15_000);
  const words = usePackWords(view.case.policyPackId, view.case.policyPackVersion);
  return (
    <CaseContext.Provider value={{ view, user, now, words, reload }}>
      <Summary />
      <div className="grid">
        <Clocks />
        <Child />
        <OpenTasks />
        <Escalations />
        <Findings />
        <Placements />
        <GuardianSearch />
        <Escort />
        <Services />
        <LegalSteps />
        <Neglect />
        <Court />
        <Benefits />
        <Notes />
        <Attachments />
      </div>
      <Timeline />
      <MyTaskActions />
    </CaseContext.Provider>
  );
}
