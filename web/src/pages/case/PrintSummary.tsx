/**
 * A case's printed summary (issue 15 item 5): what a coordinator takes to a court petition or a joint meeting
 * (联席会议). The same view as the case page, no more than the viewer may see (GET /cases/:id/summary, which audits the
 * print with its purpose), laid out for paper: who printed it and when, the child as far as the viewer may see, the
 * stage and decisions, the placements, legal steps with their clauses, the court, the tasks and their outcomes, and
 * the chain of events in words. Names, never codes; no forms. The print stylesheet (styles.css, @media print) drops
 * the navigation and buttons and sets a font with the Chinese glyphs.
 */
import { api } from '../../api/client';
import type { CaseView, SummaryPurpose } from '../../../../contracts/cases';
import { SUMMARY_PURPOSES } from '../../../../contracts/cases';
import { usePackWords } from '../../clocks';
import { Loaded } from '../../components/status';
import { useLoad, useNow } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { useUser } from '../../session';
import { Benefits } from './Benefits';
import { Child } from './Child';
import { CaseContext } from './context';
import { Court } from './Court';
import { Escort } from './Escort';
import { GuardianSearch } from './GuardianSearch';
import { LegalSteps } from './LegalSteps';
import { Neglect } from './Neglect';
import { Placements } from './Placements';
import { Services } from './Services';
import { Summary } from './Summary';
import { Escalations, Findings, OpenTasks } from './Tasks';
import { TaskLine } from './TaskLine';
import { Timeline } from './Timeline';
import { OutcomeView } from '../../outcomes/OutcomeView';
import type { ConcernType } from '../../../../contracts/policies';

const WORDS = {
  title: { zh: '个案摘要', en: 'Case summary' },
  purpose: {
    court_petition: { zh: '用于：向人民法院申请（撤销监护资格等）', en: 'For: a petition to the court' },
    joint_meeting: { zh: '用于：联席会议', en: 'For: a joint meeting (联席会议)' },
  },
  printedBy: { zh: '打印人', en: 'Printed by' },
  printedAt: { zh: '打印时间', en: 'Printed at' },
  confidential: {
    zh: '内含儿童个人信息，仅限依职责使用，不得外传；本次打印已记录。',
    en: "Contains a child's personal data: for official use only, do not pass on; this print is recorded.",
  },
  print: { zh: '打印', en: 'Print' },
  outcomes: { zh: '任务办理结果', en: 'Task outcomes' },
  back: { zh: '返回个案', en: 'Back to the case' },
};

export function PrintSummaryPage({ caseId, purpose }: { caseId: string; purpose: string | null }) {
  const { pick } = useI18n();
  const chosen: SummaryPurpose = SUMMARY_PURPOSES.find((p) => p === purpose) ?? 'joint_meeting';
  const view = useLoad(() => api.caseSummary(caseId, chosen), [caseId, chosen]);
  const policies = useLoad(() => api.policies(), []);
  const concernTypes = policies.status === 'ready' ? policies.data.flatMap((p) => p.concernTypes) : [];
  return (
    <section className="page page--wide print-summary" aria-labelledby="case-title">
      {view.status !== 'ready' ? <h1 id="case-title">{pick(WORDS.title)}</h1> : null}
      <Loaded state={view}>{(data) => <PrintBody view={data} purpose={chosen} concernTypes={concernTypes} />}</Loaded>
    </section>
  );
}

function PrintBody({
  view,
  purpose,
  concernTypes,
}: {
  view: CaseView;
  purpose: SummaryPurpose;
  concernTypes: ConcernType[];
}) {
  const { pick, formatDateTime } = useI18n();
  const user = useUser();
  const now = useNow(60_000);
  const words = usePackWords(view.case.policyPackId, view.case.policyPackVersion);
  const printedAt = new Date().toISOString();
  return (
    <CaseContext.Provider value={{ view, user, now, words, reload: () => undefined, print: true }}>
      <p className="no-print actions">
        <button type="button" className="primary" onClick={() => window.print()}>
          {pick(WORDS.print)}
        </button>{' '}
        <Link href={`/cases/${encodeURIComponent(view.case.caseId)}`}>{pick(WORDS.back)}</Link>
      </p>
      <header className="print-head" data-testid="print-head">
        <p className="print-kind">
          <strong>{pick(WORDS.title)}</strong> · {pick(WORDS.purpose[purpose])}
        </p>
        <p className="small">
          {pick(WORDS.printedBy)}：{user.displayName} · {pick(WORDS.printedAt)}：{formatDateTime(printedAt)}
        </p>
        <p className="small muted">{pick(WORDS.confidential)}</p>
      </header>
      <Summary />
      <Child />
      <OpenTasks />
      <Outcomes view={view} concernTypes={concernTypes} />
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
      <Timeline />
    </CaseContext.Provider>
  );
}

/** Each completed task with what its agency recorded, in words (the task page's own view of an outcome). */
function Outcomes({ view, concernTypes }: { view: CaseView; concernTypes: ConcernType[] }) {
  const { pick, formatDateTime } = useI18n();
  const done = view.cockpit.tasks.filter((task) => view.outcomes?.[task.taskId]);
  if (done.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="outcomes-h" data-section="outcomes">
      <h2 id="outcomes-h">{pick(WORDS.outcomes)}</h2>
      {done.map((task) => (
        <div key={task.taskId} className="print-outcome">
          <h3>
            <TaskLine task={task} />
            {task.closedAt ? <span className="small muted"> {formatDateTime(task.closedAt)}</span> : null}
          </h3>
          <OutcomeView outcome={view.outcomes![task.taskId]!} concernTypes={concernTypes} />
        </div>
      ))}
    </section>
  );
}
