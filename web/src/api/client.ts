/**
 * The typed client of /api/v1. Every call sends the session cookie (same origin) and turns an error body
 * { error, message, details: { fields? }, requestId } into an ApiError whose `fields` maps a dotted path
 * ("child.dateOfBirth") to its message, so forms can show each message next to its field.
 */
import type { Account, CreateAccountBody, PasswordResetIssued, UpdateAccountBody } from '../../../contracts/accounts';
import type { LoginResponse, User } from '../../../contracts/auth';
import type { CaseFilters, CaseListPage, CaseView, SummaryPurpose } from '../../../contracts/cases';
import type { ListOf } from '../../../contracts/common';
import type { Indicators } from '../../../contracts/indicators';
import type {
  ComplianceView,
  EnrolBody,
  EnrolResult,
  LedgerChildView,
  LedgerPatchBody,
  LedgerRow,
  VisitBody,
  VisitResult,
} from '../../../contracts/ledger';
import type {
  ClosureBody,
  ExtensionBody,
  GuardianRefusalBody,
  GuardianResumedBody,
  LegalStepBody,
  PlacementDecisionBody,
  PoliceCertificateBody,
  RecordSealBody,
  ReopenBody,
  RevocationGroundBody,
  ServicesBody,
} from '../../../contracts/interventions';
import type { Notification } from '../../../contracts/notifications';
import type { TaskOutcomeInput as OutcomeInput } from '../../../contracts/outcomes';
import type { PolicySummary } from '../../../contracts/policies';

/** An agency as GET /agencies lists it. */
export interface DirectoryAgency {
  code: string;
  name: { zh: string; en: string };
  type: string;
  level: 'district' | 'street_township' | 'committee';
  jurisdiction: { districtCode: string; streetCode?: string; committeeCode?: string };
}
import type { MyReport, NewReport, ReportReceipt } from '../../../contracts/reports';
import type { ScreeningImportDetail, ScreeningImportView } from '../../../contracts/screening';
import type { ReferralView, TaskSummary, TaskView } from '../../../contracts/tasks';

export const API_BASE = '/api/v1';

/** The ledger list's filters (GET /ledger/children, contracts/ledger.ts ledgerListQuery). */
export interface LedgerFilters {
  street?: string;
  committee?: string;
  category?: string;
  leftBehind?: 'true' | 'false';
  risk?: string;
  overdue?: 'true';
  page?: number;
}

/** The body of POST /ledger/children/:childId/transfer (contracts/ledger.ts transferBody). */
export interface LedgerTransferBody {
  districtCode: string;
  streetCode: string;
  committeeCode?: string;
  reason: string;
}

/** The body of POST /detention-notices (CN 三(四)). */
export interface DetentionNoticeBody {
  policyPackId: string;
  detainedAt: string;
  detainedPersonRef: string;
  place: { streetCode: string; address?: string };
  children: Array<{
    name?: string;
    sex?: 'male' | 'female' | 'unknown';
    dateOfBirth?: string;
    idNumber?: string;
    needsEntrustedCare: boolean;
  }>;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The stable error code from the body (e.g. VALIDATION_FAILED), or NETWORK. */
    readonly code: string,
    message: string,
    readonly fields: Readonly<Record<string, string>> = {},
    readonly requestId?: string,
    /** The workflow's refusal of a command (details.rejection, contracts/interventions.ts), when it was one. */
    readonly rejection?: string,
    /** The error body's details as sent (e.g. a screening upload's problem table). */
    readonly details?: unknown,
  ) {
    super(message);
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

interface ErrorBody {
  error?: string;
  message?: string;
  details?: { fields?: Array<{ field: string; message: string }>; rejection?: string } | null;
  requestId?: string;
}

function fieldMessages(body: ErrorBody): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of body.details?.fields ?? []) if (!(f.field in out)) out[f.field] = f.message;
  return out;
}

/** Called when any request answers 401, so the app can return to the sign-in page. */
let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as it is (a file upload), instead of `body` as JSON. */
  rawBody?: Blob;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not call the unauthorized handler on 401 (sign-in and the session probe). */
  quiet401?: boolean;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.rawBody !== undefined) headers['Content-Type'] = 'application/octet-stream';
  let res: Response;
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!res.ok) {
    const body = (parsed ?? {}) as ErrorBody;
    if (res.status === 401 && !options.quiet401) onUnauthorized?.();
    throw new ApiError(
      res.status,
      body.error ?? `HTTP_${res.status}`,
      body.message ?? res.statusText,
      fieldMessages(body),
      body.requestId,
      typeof body.details?.rejection === 'string' ? body.details.rejection : undefined,
      body.details ?? undefined,
    );
  }
  return parsed as T;
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * The address of an export file (GET /exports/cases or /exports/indicators): a plain link, so the browser downloads it
 * with the session cookie; the case export takes the case list's filters.
 */
export function exportHref(
  kind: 'cases' | 'indicators',
  format: 'xlsx' | 'csv',
  params: Record<string, string | number | boolean | undefined> = {},
): string {
  return `${API_BASE}/exports/${kind}${query({ format, ...params })}`;
}

/** A v4 UUID. crypto.randomUUID exists only in secure contexts; a plain-http intranet address is not one. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Keeps the last listed (newest) version of each pack id, in first-seen order of ids. */
export function newestPerPack(list: PolicySummary[]): PolicySummary[] {
  const byId = new Map<string, PolicySummary>();
  for (const pack of list) byId.set(pack.id, pack);
  return [...byId.values()];
}

function command(caseId: string, path: string, body: unknown): Promise<{ ok: true }> {
  return request<{ ok: true }>('POST', `/interventions/${encodeURIComponent(caseId)}/${path}`, { body });
}

export const api = {
  login: (email: string, password: string) =>
    request<LoginResponse>('POST', '/auth/login', { body: { email, password }, quiet401: true }),
  logout: () => request<unknown>('POST', '/auth/logout', { body: {}, quiet401: true }),
  me: () => request<{ user: User }>('GET', '/auth/me', { quiet401: true }),
  resetPassword: (body: { email: string; code: string; newPassword: string }) =>
    request<void>('POST', '/auth/password-reset', { body, quiet401: true }),

  accounts: () => request<{ items: Account[] }>('GET', '/accounts'),
  createAccount: (body: CreateAccountBody) => request<PasswordResetIssued>('POST', '/accounts', { body }),
  updateAccount: (id: string, body: UpdateAccountBody) =>
    request<Account>('PATCH', `/accounts/${encodeURIComponent(id)}`, { body }),
  deactivateAccount: (id: string) =>
    request<Account>('POST', `/accounts/${encodeURIComponent(id)}/deactivate`, { body: {} }),
  reactivateAccount: (id: string) =>
    request<Account>('POST', `/accounts/${encodeURIComponent(id)}/reactivate`, { body: {} }),
  issuePasswordReset: (id: string) =>
    request<PasswordResetIssued>('POST', `/accounts/${encodeURIComponent(id)}/password-reset`, { body: {} }),

  /** The newest version of each district's pack (the API lists every version, oldest first per pack). */
  /** The directory's agencies of a district (names and places; contacts stay on the server). */
  agencies: (districtCode: string) => request<ListOf<DirectoryAgency>>('GET', `/agencies${query({ districtCode })}`),
  policies: () => request<PolicySummary[]>('GET', '/policies').then(newestPerPack),
  /** One whole pack (its deadlines carry the bilingual labels the case page shows for clocks). */
  policy: (id: string, version?: string | null) =>
    request<Record<string, unknown>>(
      'GET',
      `/policies/${encodeURIComponent(id)}${query({ version: version ?? undefined })}`,
    ),

  fileReport: (report: NewReport, idempotencyKey: string) =>
    request<ReportReceipt>('POST', '/reports', { body: report, headers: { 'Idempotency-Key': idempotencyKey } }),
  myReports: () => request<ListOf<MyReport>>('GET', '/reports/mine'),
  uploadScreening: (file: File) =>
    request<ScreeningImportView>('POST', `/screening/imports?name=${encodeURIComponent(file.name)}`, {
      rawBody: file,
    }),
  screeningImport: (importId: string) =>
    request<ScreeningImportDetail>('GET', `/screening/imports/${encodeURIComponent(importId)}`),
  /** CN 三(四): a detained adult's minor children; care tasks open for those who need it. */
  fileDetentionNotice: (notice: DetentionNoticeBody, idempotencyKey: string) =>
    request<{ noticeId: string; childrenNeedingCare: number }>('POST', '/detention-notices', {
      body: notice,
      headers: { 'Idempotency-Key': idempotencyKey },
    }),

  tasks: (status?: string) => request<ListOf<TaskSummary>>('GET', `/tasks${query({ status })}`),
  task: (taskId: string) => request<TaskView>('GET', `/tasks/${encodeURIComponent(taskId)}`),
  /** FT 三(三)2(4): the procuratorate's supervision referrals (issue #17 item 6). */
  referrals: () => request<ListOf<ReferralView>>('GET', '/tasks/referrals'),
  acceptTask: (taskId: string) =>
    request<{ task: TaskSummary }>('POST', `/tasks/${encodeURIComponent(taskId)}/accept`, { body: {} }),
  completeTask: (taskId: string, outcome: OutcomeInput) =>
    request<{ task: TaskSummary }>('POST', `/tasks/${encodeURIComponent(taskId)}/complete`, { body: { outcome } }),
  declineTask: (taskId: string, reason: string) =>
    request<{ task: TaskSummary }>('POST', `/tasks/${encodeURIComponent(taskId)}/decline`, { body: { reason } }),

  cases: (filters: CaseFilters = {}) => request<CaseListPage>('GET', `/cases${query({ ...filters })}`),
  case: (caseId: string) => request<CaseView>('GET', `/cases/${encodeURIComponent(caseId)}`),
  /** The case for its printed summary (coordinators; the print is audited with its purpose). */
  caseSummary: (caseId: string, purpose: SummaryPurpose) =>
    request<CaseView>('GET', `/cases/${encodeURIComponent(caseId)}/summary${query({ purpose })}`),
  /** Children's files by ID number or part of a name, within scope (sealed records: court and procuratorate only). */
  children: (q: string) => request<ListOf<Record<string, unknown>>>('GET', `/children${query({ q })}`),

  /** Commands on a case (/interventions/:caseId/…): each answers { ok: true } or an ApiError with the refusal. */
  interventions: {
    legalStep: (caseId: string, body: LegalStepBody) => command(caseId, 'legal-steps', body),
    guardianRefusal: (caseId: string, body: GuardianRefusalBody) => command(caseId, 'guardian-refusals', body),
    guardianResumed: (caseId: string, body: GuardianResumedBody) => command(caseId, 'guardian-resumptions', body),
    revocationGround: (caseId: string, body: RevocationGroundBody) => command(caseId, 'revocation-grounds', body),
    services: (caseId: string, body: ServicesBody) => command(caseId, 'services', body),
    closure: (caseId: string, body: ClosureBody) => command(caseId, 'closure', body),
    reopen: (caseId: string, body: ReopenBody) => command(caseId, 'reopen', body),
    recordSeal: (caseId: string, body: RecordSealBody) => command(caseId, 'record-seal', body),
    placementDecision: (caseId: string, placementId: string, body: PlacementDecisionBody) =>
      command(caseId, `placements/${encodeURIComponent(placementId)}/decision`, body),
    extension: (caseId: string, placementId: string, body: ExtensionBody) =>
      command(caseId, `placements/${encodeURIComponent(placementId)}/extension`, body),
    policeCertificate: (caseId: string, placementId: string, body: PoliceCertificateBody) =>
      command(caseId, `placements/${encodeURIComponent(placementId)}/police-certificate`, body),
  },

  /** The street ledger (台账, /ledger): list, enrolment, a child's page, visits, transfers, compliance. */
  ledger: {
    list: (filters: LedgerFilters) =>
      request<{ items: LedgerRow[]; total: number; overdueTotal: number; page: number }>(
        'GET',
        `/ledger/children${query({ ...filters })}`,
      ),
    child: (childId: string) => request<LedgerChildView>('GET', `/ledger/children/${encodeURIComponent(childId)}`),
    enrol: (body: EnrolBody) => request<EnrolResult>('POST', '/ledger/children', { body }),
    update: (childId: string, body: LedgerPatchBody) =>
      request<LedgerChildView>('PATCH', `/ledger/children/${encodeURIComponent(childId)}`, { body }),
    visit: (childId: string, body: VisitBody, idempotencyKey: string) =>
      request<VisitResult>('POST', `/ledger/children/${encodeURIComponent(childId)}/visits`, {
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    transfer: (childId: string, body: LedgerTransferBody) =>
      request<unknown>('POST', `/ledger/children/${encodeURIComponent(childId)}/transfer`, { body }),
    compliance: () => request<ComplianceView>('GET', '/ledger/compliance'),
    /** The export's address: a plain link, so the browser downloads it with the session cookie. */
    exportHref: (filters: LedgerFilters) => `${API_BASE}/ledger/export.xlsx${query({ ...filters, page: undefined })}`,
  },

  indicators: (districtCode?: string) => request<Indicators>('GET', `/indicators${query({ districtCode })}`),
  notifications: () => request<ListOf<Notification>>('GET', '/notifications'),
  markNotificationRead: (id: string) =>
    request<Notification>('POST', `/notifications/${encodeURIComponent(id)}/read`, { body: {} }),
  markAllNotificationsRead: () => request<{ marked: number }>('POST', '/notifications/read-all', { body: {} }),
};
