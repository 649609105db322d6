/**
 * The typed outcome form of each task kind. A form's values are flat, keyed by the outcome's dotted paths under
 * "outcome." (e.g. "outcome.custody.handover.childView"), the same paths the server names in its field errors, so a
 * message from either side appears next to the same control.
 */
import type { ReactNode } from 'react';
import { EvidencePicker } from '../components/Evidence';
import { Field, FieldGroup, type FieldErrors } from '../components/form';
import { useI18n, type MessageKey, type Translate } from '../i18n';
import { benefitAmountPath, concernsOf, type OutcomeContext, type Values } from './build';
import { FACT_LABELS } from './facts';
import { ASSESSMENT_FACTS, NEXT_STEPS, RISK_LEVELS, SERVICE_KINDS } from '../../../contracts/enums';
import {
  BENEFIT_APPLICATION_RESULTS,
  CHILD_SEARCH_RESULTS,
  GRADING_REVIEW_DECISIONS,
  PERMANENT_ARRANGEMENTS,
  ARRANGEMENT_RESULTS,
  CARE_ARRANGED_WITH,
  DETENTION_ARRANGEMENTS as ARRANGEMENTS,
  COURT_RESULTS,
  CUSTODY_KINDS,
  GUARDIANSHIP_FINDINGS as GUARDIANSHIP,
  LATER_RECOMMENDATIONS,
  LATE_REPORT_FOLLOW_UP_ACTIONS,
  RESPONSE_KINDS,
  SUPERVISION_RESULTS,
  WARNING_STEPS,
  type TaskKind as OutcomeKind,
} from '../../../contracts/outcomes';

// ── Controls ─────────────────────────────────────────────────────────────────────────────────────────────────────

interface ControlProps {
  path: string;
  label: string;
  values: Values;
  set(path: string, value: string | boolean | string[]): void;
  errors: FieldErrors;
  required?: boolean;
  hint?: string;
}

function Text(p: ControlProps & { multiline?: boolean; numeric?: boolean }) {
  const value = typeof p.values[p.path] === 'string' ? (p.values[p.path] as string) : '';
  return (
    <Field path={p.path} label={p.label} required={p.required} hint={p.hint} error={p.errors[p.path]}>
      {(c) =>
        p.multiline ? (
          <textarea {...c} rows={3} value={value} onChange={(e) => p.set(p.path, e.target.value)} />
        ) : (
          <input
            {...c}
            type="text"
            inputMode={p.numeric ? 'numeric' : undefined}
            value={value}
            onChange={(e) => p.set(p.path, e.target.value)}
          />
        )
      }
    </Field>
  );
}

/** An evidence field: a document number, or a file of the task's case picked or uploaded under it. */
function Evidence({ caseId, ...p }: ControlProps & { caseId: string | undefined }) {
  const value = typeof p.values[p.path] === 'string' ? (p.values[p.path] as string) : '';
  return (
    <>
      <Text {...p} />
      {caseId ? (
        <EvidencePicker
          caseId={caseId}
          id={`ev-${p.path.replace(/[^A-Za-z0-9_-]/g, '-')}`}
          value={value}
          onPick={(ref) => p.set(p.path, ref)}
        />
      ) : null}
    </>
  );
}

function DateTime(p: ControlProps) {
  const value = typeof p.values[p.path] === 'string' ? (p.values[p.path] as string) : '';
  return (
    <Field path={p.path} label={p.label} required={p.required} hint={p.hint} error={p.errors[p.path]}>
      {(c) => <input {...c} type="datetime-local" value={value} onChange={(e) => p.set(p.path, e.target.value)} />}
    </Field>
  );
}

function Select(p: ControlProps & { options: ReadonlyArray<readonly [string, string]> }) {
  const value = typeof p.values[p.path] === 'string' ? (p.values[p.path] as string) : '';
  const { t } = useI18n();
  return (
    <Field path={p.path} label={p.label} required={p.required} hint={p.hint} error={p.errors[p.path]}>
      {(c) => (
        <select {...c} value={value} onChange={(e) => p.set(p.path, e.target.value)}>
          <option value="">{t('form.choose')}</option>
          {p.options.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Check(p: Omit<ControlProps, 'required'>) {
  return (
    <div className="field">
      <label className="choice">
        <input
          type="checkbox"
          id={`f-${p.path.replace(/[^A-Za-z0-9_-]/g, '-')}`}
          checked={p.values[p.path] === true}
          onChange={(e) => p.set(p.path, e.target.checked)}
        />
        <span>{p.label}</span>
      </label>
    </div>
  );
}

/** Several choices at once, stored as a list under `path`. */
function CheckList(p: Omit<ControlProps, 'required'> & { options: ReadonlyArray<readonly [string, string]> }) {
  const chosen = Array.isArray(p.values[p.path]) ? (p.values[p.path] as string[]) : [];
  return (
    <FieldGroup path={p.path} legend={p.label} error={p.errors[p.path]}>
      <div className="choices choices--columns">
        {p.options.map(([v, label]) => (
          <label key={v} className="choice">
            <input
              type="checkbox"
              checked={chosen.includes(v)}
              onChange={(e) => p.set(p.path, e.target.checked ? [...chosen, v] : chosen.filter((x) => x !== v))}
            />
            <span>{label}</span>
          </label>
        ))}
      </div>
    </FieldGroup>
  );
}

function Section({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
  return (
    <fieldset className="section">
      <legend>{title}</legend>
      {hint ? <p className="hint">{hint}</p> : null}
      {children}
    </fieldset>
  );
}

// ── The forms ────────────────────────────────────────────────────────────────────────────────────────────────────

interface FormProps {
  kind: OutcomeKind;
  ctx: OutcomeContext;
  values: Values;
  set(path: string, value: string | boolean | string[]): void;
  errors: FieldErrors;
}

export function OutcomeFields(props: FormProps) {
  switch (props.kind) {
    case 'police_response':
      return <PoliceResponseFields {...props} />;
    case 'urgent_placement':
      return <UrgentPlacementFields {...props} />;
    case 'detention_care_arrangement':
      return <DetentionCareFields {...props} />;
    case 'joint_assessment':
      return <JointAssessmentFields {...props} />;
    case 'risk_grading':
      return <RiskGradingFields {...props} />;
    case 'monitoring_visit':
      return <MonitoringVisitFields {...props} />;
    case 'short_term_placement':
      return <ShortTermPlacementFields {...props} />;
    case 'long_term_placement':
      return <LongTermPlacementFields {...props} />;
    case 'guardian_search':
      return <GuardianSearchFields {...props} />;
    case 'escort_to_registration_place':
      return <EscortFields {...props} />;
    case 'daily_care':
    case 'schooling':
    case 'psychological_support':
    case 'medical_care':
    case 'legal_aid':
      return <ServiceFields {...props} />;
    case 'guardianship_petition':
      return <GuardianshipPetitionFields {...props} />;
    case 'court_hearing':
      return <CourtHearingFields {...props} />;
    case 'follow_up_visit':
      return <FollowUpVisitFields {...props} />;
    case 'later_assessment':
      return <LaterAssessmentFields {...props} />;
    case 'legal_warning':
      return <LegalWarningFields {...props} />;
    case 'child_search':
      return <ChildSearchFields {...props} />;
    case 'benefit_application':
      return <BenefitApplicationFields {...props} />;
    case 'permanent_arrangement':
      return <PermanentArrangementFields {...props} />;
    case 'late_report_follow_up':
      return <LateReportFollowUpFields {...props} />;
    case 'procuratorate_supervision':
      return <SupervisionFields {...props} />;
    case 'grading_review':
      return <GradingReviewFields {...props} />;
    case 'guardianship_arrangement':
      return <GuardianshipArrangementFields {...props} />;
  }
}

function opts<T extends string>(values: readonly T[], prefix: string, t: Translate): Array<readonly [T, string]> {
  return values.map((v) => [v, t(`${prefix}.${v}` as MessageKey)] as const);
}

function HandoverFields({ base, ...p }: FormProps & { base: string }) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <Section title={t('outcome.handover')}>
      <Text {...c} path={`${base}.receiverName`} label={t('outcome.receiverName')} required />
      <Select
        {...c}
        path={`${base}.receiverRole`}
        label={t('outcome.receiverRole')}
        required
        options={opts(['relative', 'other_guardian', 'residents_committee'], 'outcome.receiverRole', t)}
      />
      <Text {...c} path={`${base}.relation`} label={t('outcome.relation')} required />
      <DateTime {...c} path={`${base}.handedOverAt`} label={t('outcome.handedOverAt')} required />
      <Text {...c} path={`${base}.documentRef`} label={t('outcome.documentRef')} required />
      <Check {...c} path={`${base}.childCanExpressView`} label={t('outcome.childCanExpressView')} />
      {p.values[`${base}.childCanExpressView`] === true ? (
        <Text {...c} path={`${base}.childView`} label={t('outcome.childView')} required multiline />
      ) : null}
    </Section>
  );
}

function PoliceResponseFields(p: FormProps) {
  const { t, pick } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  const concernLabel = (code: string) => {
    const ct = p.ctx.concernTypes.find((x) => x.code === code);
    return ct ? pick(ct.label) : code;
  };
  const custody = p.values['outcome.custody.kind'];
  return (
    <>
      <DateTime {...c} path="outcome.dispatchedAt" label={t('outcome.dispatchedAt')} required />
      <Section title={t('outcome.responses')}>
        {concernsOf(p.ctx).map((concern, i) => {
          const base = `outcome.responses.${i}`;
          const response = p.values[`${base}.response`];
          return (
            <fieldset key={`${concern}-${i}`} className="section section--nested">
              <legend>
                {concern ? t('outcome.concern', { concern: concernLabel(concern) }) : t('outcome.response')}
              </legend>
              {!concern ? (
                <Select
                  {...c}
                  path={`${base}.concern`}
                  label={t('report.concerns')}
                  required
                  options={p.ctx.concernTypes.map((ct) => [ct.code, pick(ct.label)] as const)}
                />
              ) : null}
              <Select
                {...c}
                path={`${base}.response`}
                label={t('outcome.response')}
                required
                options={opts(RESPONSE_KINDS, 'outcome.response', t)}
              />
              {response === 'care_arranged' ? (
                <Select
                  {...c}
                  path={`${base}.arrangedWith`}
                  label={t('outcome.arrangedWith')}
                  hint={t('outcome.arrangedWithHint')}
                  required
                  options={opts(CARE_ARRANGED_WITH, 'outcome.arrangedWith', t)}
                />
              ) : null}
              {response === 'guardian_recalled' ? (
                <>
                  <Select
                    {...c}
                    path={`${base}.measure`}
                    label={t('outcome.measure')}
                    required
                    options={opts(['parents_ordered_to_return', 'entrusted_guardian_named'], 'outcome.measure', t)}
                  />
                  {p.values[`${base}.measure`] === 'entrusted_guardian_named' ? (
                    <Text
                      {...c}
                      path={`${base}.entrustedGuardianName`}
                      label={t('outcome.entrustedGuardianName')}
                      required
                    />
                  ) : null}
                </>
              ) : null}
              {response === 'child_search' ? (
                <>
                  <DateTime {...c} path={`${base}.searchStartedAt`} label={t('outcome.searchStartedAt')} required />
                  <Check {...c} path={`${base}.found`} label={t('outcome.found')} />
                  {p.values[`${base}.found`] === true ? (
                    <DateTime {...c} path={`${base}.foundAt`} label={t('outcome.foundAt')} required />
                  ) : null}
                </>
              ) : null}
              {response === 'violence_stopped' ? (
                <>
                  <Check {...c} path={`${base}.childMovedToProtection`} label={t('outcome.childMovedToProtection')} />
                  {p.values[`${base}.childMovedToProtection`] === true ? (
                    <Text
                      {...c}
                      path={`${base}.protectionInstitution`}
                      label={t('outcome.protectionInstitution')}
                      required
                    />
                  ) : null}
                </>
              ) : null}
              {response === 'medical_care' ? (
                <>
                  <Check {...c} path={`${base}.medicalCareArranged`} label={t('outcome.medicalCareArranged')} />
                  <Text {...c} path={`${base}.injuryAssessmentRef`} label={t('outcome.injuryAssessmentRef')} />
                </>
              ) : null}
            </fieldset>
          );
        })}
      </Section>
      <FieldGroup
        path="outcome.custody.kind"
        legend={t('outcome.custody')}
        required
        error={p.errors['outcome.custody.kind']}
      >
        <div className="choices">
          {CUSTODY_KINDS.map((k) => (
            <label key={k} className="choice">
              <input
                type="radio"
                name="custody-kind"
                value={k}
                checked={custody === k}
                onChange={() => p.set('outcome.custody.kind', k)}
              />
              <span>{t(`outcome.custody.${k}` as MessageKey)}</span>
            </label>
          ))}
        </div>
      </FieldGroup>
      {custody === 'handed_over' ? <HandoverFields {...p} base="outcome.custody.handover" /> : null}
      {custody === 'protective_placement' ? (
        <Text {...c} path="outcome.custody.institution" label={t('outcome.institution')} required />
      ) : null}
      {custody === 'nobody_can_take' ? (
        <Text {...c} path="outcome.custody.reason" label={t('outcome.reason')} required multiline />
      ) : null}
      <Text
        {...c}
        path="outcome.evidenceRefs"
        label={t('outcome.evidenceRefs')}
        hint={t('outcome.evidenceRefsHint')}
        multiline
      />
    </>
  );
}

function UrgentPlacementFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <DateTime {...c} path="outcome.placedAt" label={t('outcome.placedAt')} required />
      <Select
        {...c}
        path="outcome.siteType"
        label={t('outcome.siteType')}
        required
        options={opts(['temporary_care_site', 'welfare_institution'], 'outcome.siteType', t)}
      />
      <Text {...c} path="outcome.siteAgencyId" label={t('outcome.siteAgencyId')} required />
    </>
  );
}

function DetentionCareFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  const a = p.values['outcome.arrangement'];
  return (
    <>
      <Select
        {...c}
        path="outcome.arrangement"
        label={t('outcome.arrangement')}
        required
        options={opts(ARRANGEMENTS, 'outcome.arrangement', t)}
      />
      {a === 'entrusted_to_relative' || a === 'entrusted_to_other_adult' ? (
        <Text {...c} path="outcome.caregiverName" label={t('outcome.caregiverName')} required />
      ) : null}
    </>
  );
}

function JointAssessmentFields(p: FormProps) {
  const { t, pick } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  const facts = Array.isArray(p.values['outcome.facts']) ? (p.values['outcome.facts'] as string[]) : [];
  return (
    <>
      <Text {...c} path="outcome.ageYears" label={t('outcome.ageYears')} required numeric />
      <FieldGroup path="outcome.facts" legend={t('outcome.facts')} error={p.errors['outcome.facts']}>
        <div className="choices choices--columns">
          {ASSESSMENT_FACTS.map((f) => (
            <label key={f} className="choice">
              <input
                type="checkbox"
                checked={facts.includes(f)}
                onChange={(e) =>
                  p.set('outcome.facts', e.target.checked ? [...facts, f] : facts.filter((x) => x !== f))
                }
              />
              <span>{pick(FACT_LABELS[f])}</span>
            </label>
          ))}
        </div>
      </FieldGroup>
      <Text {...c} path="outcome.familySituation" label={t('outcome.familySituation')} required multiline />
      <Select
        {...c}
        path="outcome.guardianship"
        label={t('outcome.guardianship')}
        required
        options={opts(GUARDIANSHIP, 'outcome.guardianship', t)}
      />
      <Text {...c} path="outcome.physicalHealth" label={t('outcome.physicalHealth')} required multiline />
      <Text {...c} path="outcome.mentalHealth" label={t('outcome.mentalHealth')} required multiline />
      {p.ctx.benefitChoices && p.ctx.benefitChoices.length > 0 ? (
        <Section title={t('outcome.benefitAmounts')} hint={t('outcome.benefitAmountsHint')}>
          {p.ctx.benefitChoices.map((choice) => (
            <Text
              key={choice.code}
              {...c}
              path={benefitAmountPath(choice.code)}
              label={`${pick(choice.label)}（${choice.clause}）`}
              hint={
                choice.standardMonthlyYuan !== undefined
                  ? t('outcome.standardAmount', { amount: choice.standardMonthlyYuan })
                  : undefined
              }
              numeric
            />
          ))}
        </Section>
      ) : null}
    </>
  );
}

function RiskGradingFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <Select
        {...c}
        path="outcome.riskLevel"
        label={t('outcome.riskLevel')}
        required
        options={opts(RISK_LEVELS, 'risk', t)}
      />
      <Select
        {...c}
        path="outcome.recommendation"
        label={t('outcome.recommendation')}
        required
        options={opts(NEXT_STEPS, 'outcome.recommendation', t)}
      />
      <Text {...c} path="outcome.needs" label={t('outcome.needs')} hint={t('outcome.needsHint')} multiline />
      {p.values['outcome.recommendation'] === 'services' ? (
        <CheckList
          {...c}
          path="outcome.services"
          label={t('outcome.services')}
          options={opts(SERVICE_KINDS, 'service', t)}
        />
      ) : null}
    </>
  );
}

function MonitoringVisitFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <DateTime {...c} path="outcome.visitedAt" label={t('outcome.visitedAt')} required />
      <Check {...c} path="outcome.childSeen" label={t('outcome.childSeen')} />
      <Check
        {...c}
        path="outcome.guardianshipArrangementAdequate"
        label={t('outcome.guardianshipArrangementAdequate')}
      />
      <Check {...c} path="outcome.newConcern" label={t('outcome.newConcern')} />
    </>
  );
}

// ── The intervention (CN 四(三), 四(四), 五(一)) ──────────────────────────────────────────────────────────────────

function ShortTermPlacementFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <DateTime {...c} path="outcome.placedAt" label={t('outcome.placedAt')} required />
      <Text {...c} path="outcome.siteAgencyId" label={t('outcome.siteAgencyId')} required />
      <Section title={t('outcome.fit')} hint={t('outcome.fitHint')}>
        <Text {...c} path="outcome.fit.wishes" label={t('outcome.fit.wishes')} required multiline />
        <Text {...c} path="outcome.fit.health" label={t('outcome.fit.health')} required multiline />
        <Text {...c} path="outcome.fit.address" label={t('outcome.fit.address')} required multiline />
        <Text {...c} path="outcome.fit.school" label={t('outcome.fit.school')} required multiline />
      </Section>
    </>
  );
}

function LongTermPlacementFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <DateTime {...c} path="outcome.placedAt" label={t('outcome.placedAt')} required />
      <Text {...c} path="outcome.institutionAgencyId" label={t('outcome.institutionAgencyId')} required />
    </>
  );
}

function GuardianSearchFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  const found = p.values['outcome.found'] === true;
  return (
    <>
      <DateTime {...c} path="outcome.searchedUntil" label={t('outcome.searchedUntil')} required />
      <Check {...c} path="outcome.found" label={t('outcome.guardian_search.found')} />
      {found ? (
        <Text {...c} path="outcome.guardianRef" label={t('outcome.guardianRef')} required />
      ) : (
        <Evidence
          {...c}
          caseId={p.ctx.caseId}
          path="outcome.certificateRef"
          label={t('outcome.certificateRef')}
          hint={t('outcome.certificateRefHint')}
        />
      )}
    </>
  );
}

function EscortFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <Text {...c} path="outcome.registrationPlace" label={t('outcome.registrationPlace')} required />
      <Section title={t('outcome.handover')}>
        <Text {...c} path="outcome.handover.receivingOffice" label={t('outcome.handover.receivingOffice')} required />
        <Text {...c} path="outcome.handover.receiverName" label={t('outcome.receiverName')} required />
        <DateTime {...c} path="outcome.handover.handedOverAt" label={t('outcome.handedOverAt')} required />
        <Text {...c} path="outcome.handover.documentRef" label={t('outcome.documentRef')} required />
      </Section>
      <Section title={t('outcome.confirmation')} hint={t('outcome.confirmationHint')}>
        <DateTime
          {...c}
          path="outcome.confirmation.confirmedAt"
          label={t('outcome.confirmation.confirmedAt')}
          required
        />
        <Text {...c} path="outcome.confirmation.reference" label={t('outcome.confirmation.reference')} required />
      </Section>
    </>
  );
}

function ServiceFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <DateTime {...c} path="outcome.startedAt" label={t('outcome.startedAt')} required />
      <Text {...c} path="outcome.providedBy" label={t('outcome.providedBy')} required />
      <Text {...c} path="outcome.provided" label={t('outcome.provided')} required multiline />
      {p.kind === 'psychological_support' ? (
        <Check {...c} path="outcome.familyEducationGuidance" label={t('outcome.familyEducationGuidance')} />
      ) : null}
    </>
  );
}

function GuardianshipPetitionFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <DateTime {...c} path="outcome.filedAt" label={t('outcome.filedAt')} required />
      <Evidence {...c} caseId={p.ctx.caseId} path="outcome.courtRef" label={t('outcome.courtRef')} required />
    </>
  );
}

function CourtHearingFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  const result = p.values['outcome.decision.result'];
  return (
    <>
      <DateTime {...c} path="outcome.hearingDate" label={t('outcome.hearingDate')} required />
      <Evidence {...c} caseId={p.ctx.caseId} path="outcome.judgmentRef" label={t('outcome.judgmentRef')} required />
      <FieldGroup
        path="outcome.decision.result"
        legend={t('outcome.decision.result')}
        required
        error={p.errors['outcome.decision.result']}
      >
        <div className="choices">
          {COURT_RESULTS.map((k) => (
            <label key={k} className="choice">
              <input
                type="radio"
                name="court-result"
                value={k}
                checked={result === k}
                onChange={() => p.set('outcome.decision.result', k)}
              />
              <span>{t(`outcome.result.${k}`)}</span>
            </label>
          ))}
        </div>
      </FieldGroup>
      {result === 'revoked' ? (
        <Section title={t('outcome.decision.newGuardian')}>
          <Text {...c} path="outcome.decision.newGuardian.name" label={t('outcome.newGuardian.name')} required />
          <Text {...c} path="outcome.decision.newGuardian.relation" label={t('outcome.relation')} required />
          <DateTime {...c} path="outcome.decision.designatedAt" label={t('outcome.decision.designatedAt')} required />
          <Check {...c} path="outcome.decision.civilAffairs" label={t('outcome.decision.civilAffairs')} />
        </Section>
      ) : null}
      {result === 'rejected' ? (
        <Text {...c} path="outcome.decision.reason" label={t('outcome.decision.reason')} required multiline />
      ) : null}
    </>
  );
}

function FollowUpVisitFields(p: FormProps) {
  const { t, pick } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <DateTime {...c} path="outcome.visitedAt" label={t('outcome.visitedAt')} required />
      <Check {...c} path="outcome.childSeen" label={t('outcome.childSeen')} />
      <Check {...c} path="outcome.newConcern" label={t('outcome.newConcern')} />
      {p.values['outcome.newConcern'] === true ? (
        <CheckList
          {...c}
          path="outcome.concerns"
          label={t('outcome.newConcernTypes')}
          options={p.ctx.concernTypes.map((ct) => [ct.code, pick(ct.label)] as const)}
        />
      ) : null}
    </>
  );
}

/** FT 三(二)4: the rapid search for a missing child ends found or handed to the criminal process. */
function ChildSearchFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  const result = p.values['outcome.result'];
  return (
    <>
      <Select
        {...c}
        path="outcome.result"
        label={t('outcome.childSearch.result')}
        required
        options={opts(CHILD_SEARCH_RESULTS, 'outcome.childSearch.result', t)}
      />
      <DateTime {...c} path="outcome.at" label={t('outcome.childSearch.at')} required />
      {result === 'found' ? (
        <Text {...c} path="outcome.foundWhere" label={t('outcome.childSearch.foundWhere')} required multiline />
      ) : null}
      {result === 'handed_to_criminal_process' ? (
        <Text {...c} path="outcome.criminalCaseRef" label={t('outcome.childSearch.criminalCaseRef')} required />
      ) : null}
    </>
  );
}

/** FT 三(三)4: the protection committee's review of the social-work grading. */
function GradingReviewFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  const decision = p.values['outcome.decision'];
  return (
    <>
      <Select
        {...c}
        path="outcome.decision"
        label={t('outcome.gradingReview.decision')}
        required
        options={opts(GRADING_REVIEW_DECISIONS, 'outcome.gradingReview.decision', t)}
      />
      <DateTime {...c} path="outcome.reviewedAt" label={t('outcome.gradingReview.reviewedAt')} required />
      {decision === 'grade_changed' ? (
        <>
          <Select
            {...c}
            path="outcome.riskLevel"
            label={t('outcome.gradingReview.riskLevel')}
            required
            options={opts(RISK_LEVELS, 'risk', t)}
          />
          <Select
            {...c}
            path="outcome.recommendation"
            label={t('outcome.gradingReview.recommendation')}
            options={opts(NEXT_STEPS, 'outcome.recommendation', t)}
          />
        </>
      ) : null}
      {decision === 'grade_changed' || decision === 'sent_back' ? (
        <Text {...c} path="outcome.reason" label={t('outcome.gradingReview.reason')} required multiline />
      ) : null}
    </>
  );
}

/** FT 三(一)4(2): civil affairs records the permanent arrangement it carried out. */
function PermanentArrangementFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <Select
        {...c}
        path="outcome.arrangement"
        label={t('outcome.arrangement.kind')}
        required
        options={opts(PERMANENT_ARRANGEMENTS, 'arrangement', t)}
      />
      <DateTime {...c} path="outcome.arrangedAt" label={t('outcome.arrangement.at')} required />
      <Text {...c} path="outcome.caregiver" label={t('outcome.arrangement.caregiver')} required />
      <Text {...c} path="outcome.documentRef" label={t('outcome.documentRef')} required />
    </>
  );
}

/** CN 四(一): the superior records what it did about the unit's late report. */
function LateReportFollowUpFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <Select
        {...c}
        path="outcome.action"
        label={t('outcome.followUp.action')}
        required
        options={opts(LATE_REPORT_FOLLOW_UP_ACTIONS, 'outcome.followUp.action', t)}
      />
      <DateTime {...c} path="outcome.decidedAt" label={t('outcome.followUp.decidedAt')} required />
      <Text {...c} path="outcome.note" label={t('outcome.note')} required multiline />
    </>
  );
}

/** FT 三(三)2(4): the procuratorate records its supervision outcome. */
function SupervisionFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <Select
        {...c}
        path="outcome.result"
        label={t('outcome.supervision.result')}
        required
        options={opts(SUPERVISION_RESULTS, 'outcome.supervision.result', t)}
      />
      {p.values['outcome.result'] === 'supervision_opinion_issued' ? (
        <Text {...c} path="outcome.opinionRef" label={t('outcome.supervision.opinionRef')} required />
      ) : null}
      <DateTime {...c} path="outcome.decidedAt" label={t('outcome.supervision.decidedAt')} required />
      <Text {...c} path="outcome.note" label={t('outcome.note')} required multiline />
    </>
  );
}

/** FT 三(一)4(3), 三(二)2: the committee puts an inadequate guardianship arrangement right. */
function GuardianshipArrangementFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <Select
        {...c}
        path="outcome.result"
        label={t('outcome.arrangementResult')}
        required
        options={opts(ARRANGEMENT_RESULTS, 'outcome.arrangementResult', t)}
      />
      {p.values['outcome.result'] === 'new_caregiver' ? (
        <Text {...c} path="outcome.caregiverName" label={t('outcome.caregiverName')} required />
      ) : null}
      <Check {...c} path="outcome.guidanceGiven" label={t('outcome.guidanceGiven')} />
      <Text {...c} path="outcome.note" label={t('outcome.arrangementNote')} />
    </>
  );
}

/** CN 五(一) 及时办理: each benefit the assessment found is granted (with its approval) or refused (with the reason). */
function BenefitApplicationFields(p: FormProps) {
  const { t, pick } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  const name = (code: string) => {
    const b = p.ctx.benefitTypes?.find((x) => x.code === code);
    return b ? pick(b.label) : t('outcome.benefit.unknown');
  };
  return (
    <>
      {(p.ctx.benefits ?? []).map((benefit, i) => {
        const base = `outcome.decisions.${i}`;
        const result = p.values[`${base}.result`];
        return (
          <Section key={benefit} title={name(benefit)}>
            <Select
              {...c}
              path={`${base}.result`}
              label={t('outcome.benefit.result')}
              required
              options={opts(BENEFIT_APPLICATION_RESULTS, 'outcome.benefit.result', t)}
            />
            <DateTime {...c} path={`${base}.decidedAt`} label={t('outcome.benefit.decidedAt')} required />
            {result === 'granted' ? (
              <Text {...c} path={`${base}.decisionRef`} label={t('outcome.benefit.decisionRef')} required />
            ) : null}
            {result === 'refused' ? (
              <Text {...c} path={`${base}.reason`} label={t('outcome.benefit.reason')} required multiline />
            ) : null}
          </Section>
        );
      })}
    </>
  );
}

function LaterAssessmentFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <DateTime {...c} path="outcome.submittedAt" label={t('outcome.submittedAt')} required />
      <Text {...c} path="outcome.reportRef" label={t('outcome.reportRef')} required />
      <Select
        {...c}
        path="outcome.recommendation"
        label={t('outcome.later_assessment.recommendation')}
        required
        options={opts(LATER_RECOMMENDATIONS, 'outcome.recommendation', t)}
      />
    </>
  );
}

function LegalWarningFields(p: FormProps) {
  const { t } = useI18n();
  const c = { values: p.values, set: p.set, errors: p.errors };
  return (
    <>
      <Select
        {...c}
        path="outcome.step"
        label={t('outcome.step')}
        required
        options={opts(WARNING_STEPS, 'outcome.step', t)}
      />
      <DateTime {...c} path="outcome.issuedAt" label={t('outcome.issuedAt')} required />
      <Evidence {...c} caseId={p.ctx.caseId} path="outcome.evidenceRef" label={t('outcome.evidenceRef')} required />
    </>
  );
}
