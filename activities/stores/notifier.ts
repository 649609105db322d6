/**
 * The Notifier the notification activities call: turns a workflow's "what happened, to which agency, at which rung"
 * into recipients from the agency directory and the accounts (duty desk, supervisor, street or district
 * coordinators), then delivers by email and in-app inbox exactly once per key. A permanent delivery failure is not
 * dropped: it is delivered to the district coordinators as "notification not delivered" instead, and it never fails
 * the activity (so never the workflow that notifies).
 */
import { ApplicationFailure } from '@temporalio/common';
import { findAgency } from '../../models/agency-directory';
import { caseNumberOf } from '../../models/case-number';
import type { AgencyRecord } from '../../models/agency';
import { UserModel } from '../../models/user';
import { SHARED_STAMP_AGE_MS, StampedCache } from '../../models/cache-stamps';
import { listPolicyPacks, loadPolicyPack } from '../../policies';
import type { EscalationTarget } from '../../policies/schema';
import {
  NotificationFailure,
  type NotificationDelivery,
  type NotificationEvent as Delivery,
} from '../notification-delivery';
import type { NotificationEvent, Notifier } from '../notifications';

type Recipient = Delivery['recipients'][number];

/** The roles of an agency's accounts that receive its tasks (supervisors hear of them when they escalate). */
const DESK_ROLES = ['agency_staff', 'street_coordinator', 'district_coordinator', 'court_staff', 'procuratorate_staff'];

function taskLabel(kind: string): { zh: string; en: string } | undefined {
  for (const summary of listPolicyPacks()) {
    const rule = loadPolicyPack(summary.id).taskKinds[kind];
    if (rule) return rule.label;
  }
  return undefined;
}

/** Recipients by filter, kept until an account changes (models/cache-stamps.ts): every notice asked the accounts. */
const recipientCache = new StampedCache<readonly Recipient[]>('users');

async function usersWith(filter: Record<string, unknown>): Promise<Recipient[]> {
  const load = async () => {
    const users = await UserModel.find({ active: { $ne: false }, ...filter })
      .select({ email: 1, agencyCode: 1 })
      .lean()
      .exec();
    return users.map((u) => ({ email: u.email, userId: String(u._id), agencyCode: u.agencyCode }));
  };
  const cached = await recipientCache.get(JSON.stringify(filter), load, SHARED_STAMP_AGE_MS);
  return cached.map((r) => ({ ...r }));
}

/** One entry per address; an account's entry (which also gets an inbox item) wins over a bare contact address. */
function unique(recipients: Recipient[]): Recipient[] {
  const byEmail = new Map<string, Recipient>();
  for (const r of recipients) {
    const key = r.email.toLowerCase();
    const known = byEmail.get(key);
    if (!known || (!known.userId && r.userId)) byEmail.set(key, r);
  }
  return [...byEmail.values()];
}

async function agencyDesk(agency: AgencyRecord): Promise<Recipient[]> {
  const contacts = (agency.contacts ?? [])
    .filter((c) => c.email)
    .map((c) => ({ email: c.email!, agencyCode: agency.code }));
  // Every account that works the agency's tasks: its staff, and the coordinators whose office it is (the street
  // office's coordinator takes the street office's tasks, the civil-affairs coordinator the bureau's).
  return [...contacts, ...(await usersWith({ agencyCode: agency.code, role: { $in: DESK_ROLES } }))];
}

async function coordinators(role: 'street_coordinator' | 'district_coordinator', agency: AgencyRecord | null) {
  const district = agency?.jurisdiction?.districtCode;
  if (!district) return [];
  const street = agency?.jurisdiction?.streetCode;
  if (role === 'street_coordinator' && street) {
    return usersWith({ role, 'jurisdiction.districtCode': district, 'jurisdiction.streetCode': street });
  }
  return usersWith({ role: 'district_coordinator', 'jurisdiction.districtCode': district });
}

async function escalationRecipients(target: EscalationTarget, agency: AgencyRecord | null): Promise<Recipient[]> {
  if (!agency) return [];
  switch (target) {
    case 'assignee':
      return agencyDesk(agency);
    case 'agency_supervisor':
      return [
        ...(agency.supervisor?.email ? [{ email: agency.supervisor.email, agencyCode: agency.code }] : []),
        ...(await usersWith({ agencyCode: agency.code, role: 'agency_supervisor' })),
      ];
    case 'street_coordinator':
    case 'district_coordinator':
      return coordinators(target, agency);
  }
}

/** Recipients and the delivery event for a workflow's notification. */
/** The agency whose district's coordinators stand in when the event's own notice fails: a ledger notice's street office. */
function agencyOf(event: NotificationEvent): string | undefined {
  if ('agencyId' in event) return event.agencyId;
  return event.type === 'ledger_visit_missed' ? event.streetOfficeId : undefined;
}

async function resolve(idempotencyKey: string, event: NotificationEvent): Promise<Delivery> {
  switch (event.type) {
    case 'task_assigned': {
      const agency = await findAgency(event.agencyId);
      return {
        idempotencyKey,
        kind: 'task_created',
        recipients: agency ? await agencyDesk(agency) : [],
        taskId: event.taskId,
        taskKind: event.kind,
        ...labelled(event.kind),
        dueAt: event.acceptBy,
      };
    }
    case 'task_escalated': {
      const agency = await findAgency(event.agencyId);
      // A task's ladder counts its rungs from 1 (workflows/agency-task.workflow.ts), and so do the task page, the
      // case page, the inbox and the email. A placement (workflows/placement.workflow.ts) sends on this event what
      // is not an escalation at all, as rung 0: the reminders BEFORE its cap (to the placing agency) and the cap
      // itself (a decision is now due, to the coordinators); its overruns past the cap are escalations 1, 2, ….
      if (event.rung < 1) {
        const reminder = event.target === 'assignee';
        return {
          idempotencyKey,
          kind: reminder ? 'task_reminder' : 'decision_needed',
          recipients: reminder
            ? await escalationRecipients(event.target, agency)
            : [
                ...(await coordinators('street_coordinator', agency)),
                ...(await coordinators('district_coordinator', agency)),
              ],
          taskId: event.taskId,
          taskKind: event.kind,
          ...labelled(event.kind),
          dueAt: event.deadline,
          policyClause: event.clause,
        };
      }
      return {
        idempotencyKey,
        kind: 'task_escalated',
        recipients: await escalationRecipients(event.target, agency),
        taskId: event.taskId,
        taskKind: event.kind,
        ...labelled(event.kind),
        dueAt: event.deadline,
        policyClause: event.clause,
        escalationLevel: event.rung,
      };
    }
    case 'report_joined_case': {
      const agency = await findAgency(event.agencyId);
      return {
        idempotencyKey,
        kind: 'case_update',
        recipients: agency ? await agencyDesk(agency) : [],
        taskId: event.taskId,
        caseId: event.caseId,
      };
    }
    case 'task_to_fallback': {
      // The fallback is a district agency: its desk has the task, its district's coordinators must know why.
      const agency = await findAgency(event.agencyId);
      return {
        idempotencyKey,
        kind: 'routed_to_fallback',
        recipients: await coordinators('district_coordinator', agency),
        taskId: event.taskId,
        caseId: event.caseId,
        taskKind: event.kind,
        ...labelled(event.kind),
      };
    }
    case 'case_needs_attention':
      return {
        idempotencyKey,
        kind: 'case_needs_attention',
        recipients: await usersWith({ role: 'district_coordinator', 'jurisdiction.districtCode': event.districtCode }),
        caseId: event.caseId,
      };
    case 'ledger_visit_missed': {
      // CN 五(一), FT 三(一)1: the street's office and coordinators see that the ledger's visit was missed.
      const office = await findAgency(event.streetOfficeId);
      return {
        idempotencyKey,
        kind: 'ledger_visit_missed',
        // The inbox names the child (and its street) to a reader whose ledger holds it; the email links its page.
        childId: event.childId,
        recipients: office
          ? unique([...(await agencyDesk(office)), ...(await coordinators('street_coordinator', office))])
          : [],
        dueAt: event.dueAt,
        policyClause: event.clause,
      };
    }
    case 'late_report_finding': {
      // CN 四(一): the reporting unit's superiors hold it to account; the district coordinators see every finding.
      const unit = await findAgency(event.againstUnitId);
      return {
        idempotencyKey,
        kind: 'accountability_finding',
        recipients: event.districtCode
          ? await usersWith({ role: 'district_coordinator', 'jurisdiction.districtCode': event.districtCode })
          : await coordinators('district_coordinator', unit),
        caseId: event.caseId,
        policyClause: event.clause,
      };
    }
  }
}

function labelled(kind: string): { taskLabel?: { zh: string; en: string } } {
  const label = taskLabel(kind);
  return label ? { taskLabel: label } : {};
}

/** Permanent refusals are recorded on their email records; a notifier never fails for them (nor its workflow). */
async function deliverRecorded(deps: { delivery: Pick<NotificationDelivery, 'deliver'> }, delivery: Delivery) {
  try {
    await deps.delivery.deliver(delivery);
  } catch (err) {
    if (!(err instanceof ApplicationFailure) || err.type !== NotificationFailure.Permanent) throw err;
  }
}

/**
 * The agency a notice did not reach, named for whoever is alerted (with its duty desk's phone, if known). Only what
 * the delivery schema takes: an alert that failed its own validation would never reach anyone, so a name missing a
 * language or a phone longer than a phone number is left out rather than sent.
 */
export function unreachedAgency(
  agency: {
    name?: { zh?: string | null; en?: string | null } | null;
    contacts?: readonly { role: string; phone?: string | null }[] | null;
  } | null,
): Pick<Delivery, 'agencyName' | 'agencyPhone'> {
  if (!agency?.name?.zh || !agency.name.en) return {};
  const phone = agency.contacts?.find((c) => c.role === 'duty_desk' && c.phone?.trim())?.phone?.trim();
  return {
    agencyName: { zh: agency.name.zh, en: agency.name.en },
    ...(phone && phone.length <= 40 ? { agencyPhone: phone } : {}),
  };
}

/**
 * The missed-notice escalation of a task notice that its agency's desk refused (#13): the agency's supervisor (who may
 * still be reached), the coordinators of its street and of its district, or every district coordinator if the
 * agency has none. Keyed on the refused notice, so a retry escalates once.
 */
async function escalateMissedNotice(
  deps: { delivery: Pick<NotificationDelivery, 'deliver'> },
  idempotencyKey: string,
  refused: Delivery,
  agency: AgencyRecord | null,
  allCoordinators: () => Promise<Recipient[]>,
): Promise<void> {
  const refusedAddresses = new Set(refused.recipients.map((r) => r.email.toLowerCase()));
  const found = agency
    ? [
        ...(await escalationRecipients('agency_supervisor', agency)),
        ...(await escalationRecipients('street_coordinator', agency)),
        ...(await escalationRecipients('district_coordinator', agency)),
      ]
    : [];
  // The desk that refused is not who escalation is for; an account keeps its inbox entry though its mail bounced.
  const recipients = unique(found).filter((r) => r.userId || !refusedAddresses.has(r.email.toLowerCase()));
  await deliverRecorded(deps, {
    idempotencyKey: `${idempotencyKey}:missed-notice`,
    kind: 'missed_notice',
    recipients: recipients.length ? recipients : unique(await allCoordinators()),
    ...unreachedAgency(agency),
    ...(refused.taskId ? { taskId: refused.taskId } : {}),
    ...(refused.caseId ? { caseId: refused.caseId } : {}),
    ...(refused.caseNumber ? { caseNumber: refused.caseNumber } : {}),
    ...(refused.taskKind ? { taskKind: refused.taskKind } : {}),
    ...(refused.taskLabel ? { taskLabel: refused.taskLabel } : {}),
    ...(refused.dueAt ? { dueAt: refused.dueAt } : {}),
  });
}

export function createDirectoryNotifier(deps: { delivery: Pick<NotificationDelivery, 'deliver'> }): Notifier {
  const allCoordinators = () => usersWith({ role: 'district_coordinator' });
  return {
    async send({ idempotencyKey, event }) {
      const resolved = await resolve(idempotencyKey, event);
      // Nobody found for the agency (or a unit outside the directory): the coordinators must still hear of it.
      const recipients = unique(resolved.recipients.length ? resolved.recipients : await allCoordinators());
      // The texts name a case by its number (the inbox and the email show no ids); a case not yet numbered is unnamed.
      const caseNumber = resolved.caseId ? await caseNumberOf(resolved.caseId) : undefined;
      const delivery = { ...resolved, recipients, ...(caseNumber ? { caseNumber } : {}) };
      try {
        await deps.delivery.deliver(delivery);
      } catch (err) {
        if (!(err instanceof ApplicationFailure) || err.type !== NotificationFailure.Permanent) throw err;
        // Never silently dropped: the coordinators are told the agency could not be reached, in their inbox first
        // (stored before any email is tried). A relay that refuses everyone refuses the coordinators' email too;
        // that refusal is recorded on its email record and goes no further, so the task and the case go on and
        // their deadlines escalate as for any missed notice, and a task's notice escalates as a missed notice.
        const agencyId = agencyOf(event);
        const agency = agencyId ? await findAgency(agencyId) : null;
        const fallback = await coordinators('district_coordinator', agency);
        try {
          await deps.delivery.deliver({
            idempotencyKey: `${idempotencyKey}:delivery-failed`,
            kind: 'delivery_failed',
            recipients: fallback.length ? fallback : await allCoordinators(),
            ...unreachedAgency(agency),
            ...(delivery.taskId ? { taskId: delivery.taskId } : {}),
            ...(delivery.caseId ? { caseId: delivery.caseId } : {}),
            ...(delivery.caseNumber ? { caseNumber: delivery.caseNumber } : {}),
            // A ledger notice's child, by id only, as its own notice carries it: the alert links its ledger page.
            ...(delivery.childId ? { childId: delivery.childId } : {}),
            ...(delivery.taskKind ? { taskKind: delivery.taskKind } : {}),
            ...(delivery.taskLabel ? { taskLabel: delivery.taskLabel } : {}),
          });
        } catch (fallbackErr) {
          if (!(fallbackErr instanceof ApplicationFailure) || fallbackErr.type !== NotificationFailure.Permanent)
            throw fallbackErr;
        }
        // A task's agency that was never told may not know of the task while its legal clock runs: that escalates
        // as a missed notice of its own (its own kind and text, not the deadline ladder's) to the agency's
        // supervisor and the street and district coordinators, in their inbox and by email.
        if (delivery.taskId) await escalateMissedNotice(deps, idempotencyKey, delivery, agency, allCoordinators);
      }
    },
  };
}
