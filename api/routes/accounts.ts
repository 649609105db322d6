/**
 * Account management for a district's administrator: list, create, change role/agency/name, deactivate, reactivate
 * and issue a one-time password reset code. Every change is audited (account.*). An administrator manages the
 * accounts and agencies of their own district only: another district's account or agency answers 403, and a role
 * that does not fit the agency (a court account at the education bureau) answers 400 naming the field.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Request, Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode, validationError, type FieldError } from '../../common/errors';
import {
  accountIdParams,
  accountView,
  createAccountBody,
  passwordResetIssued,
  updateAccountBody,
} from '../../contracts/accounts';
import type { AgencyRecord } from '../../models/agency';
import { findAgency } from '../../models/agency-directory';
import type { UserRecord, UserRepository } from '../../models/user';
import {
  RESET_CODE_TTL_HOURS,
  jurisdictionOf,
  managesDistrict,
  newResetCode,
  resetCodeHash,
  roleAgencyProblem,
} from '../auth/accounts';
import type { Actor } from '../auth/actor';
import type { AuditSink } from '../auth/audit';
import { hashPassword } from '../auth/passwords';
import type { Role } from '../auth/roles';
import { createApiRouter } from '../http/api-router';

const ADMIN: readonly Role[] = ['administrator'];
const forbidden = () => new AppError(ErrorCode.Forbidden, 'Not permitted');

export interface AccountRouterDependencies {
  users: Pick<
    UserRepository,
    'findById' | 'findByEmail' | 'createIfAbsent' | 'listByDistrict' | 'update' | 'setActive' | 'setPasswordReset'
  >;
  authenticate: RequestHandler;
  audit: AuditSink;
  now?: () => Date;
}

export function createAccountRouter(deps: AccountRouterDependencies): Router {
  const api = createApiRouter({ tag: 'accounts', authenticate: deps.authenticate });
  const now = deps.now ?? (() => new Date());
  const names = new Map<string, { zh: string; en: string }>();

  const agencyName = async (code: string) => {
    let name = names.get(code);
    if (!name) {
      const agency = await findAgency(code);
      name = agency ? { zh: agency.name.zh, en: agency.name.en } : { zh: code, en: code };
      if (agency) names.set(code, name);
    }
    return name;
  };

  const viewOf = async (user: UserRecord): Promise<z.input<typeof accountView>> => {
    const { districtCode, streetCode } = user.jurisdiction;
    const reset = user.passwordReset as { expiresAt?: Date } | null | undefined;
    return {
      id: String(user._id),
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      agency: { code: user.agencyCode, name: await agencyName(user.agencyCode) },
      jurisdiction: streetCode ? { districtCode, streetCode } : { districtCode },
      active: user.active,
      resetPending: !!reset?.expiresAt && reset.expiresAt > now(),
      createdAt: (user as { createdAt?: Date }).createdAt?.toISOString() ?? new Date(0).toISOString(),
      updatedAt: (user as { updatedAt?: Date }).updatedAt?.toISOString() ?? new Date(0).toISOString(),
    };
  };

  /** The account, if it is in the administrator's district: 404 when there is none, 403 when it is another's. */
  const managed = async (actor: Actor, id: string): Promise<UserRecord> => {
    const user = await deps.users.findById(id);
    if (!user) throw new AppError(ErrorCode.NotFound, 'No such account');
    if (!managesDistrict(actor, user.jurisdiction.districtCode)) throw forbidden();
    return user;
  };

  /** The agency for a role, checked: 403 for another district's agency, 400 naming the fields that do not fit. */
  const agencyFor = async (actor: Actor, agencyCode: string, role: Role, roleField: string): Promise<AgencyRecord> => {
    const agency = await findAgency(agencyCode);
    if (!agency) throw validationError([{ field: 'agencyCode', message: 'not an agency of the directory' }]);
    if (!managesDistrict(actor, agency.jurisdiction?.districtCode)) throw forbidden();
    const problem = roleAgencyProblem(role, agency);
    if (problem) throw validationError([{ field: roleField, message: problem }]);
    return agency;
  };

  const record = (actor: Actor, req: Request, action: string, targetUserId: string, changes?: Record<string, string>) =>
    deps.audit.record({
      actorId: actor.userId,
      actorRole: actor.role,
      action,
      requestId: req.requestId,
      targetUserId,
      ...(changes ? { changes } : {}),
    });

  const issueReset = async (actor: Actor, req: Request, user: UserRecord) => {
    const code = newResetCode();
    const expiresAt = new Date(now().getTime() + RESET_CODE_TTL_HOURS * 3600_000);
    const updated = await deps.users.setPasswordReset(String(user._id), { codeHash: resetCodeHash(code), expiresAt });
    if (!updated) throw new AppError(ErrorCode.NotFound, 'No such account');
    await record(actor, req, 'account.password_reset_issued', String(user._id));
    return { account: await viewOf(updated), code, expiresAt: expiresAt.toISOString() };
  };

  api.route(
    {
      method: 'get',
      path: '/',
      summary: "The accounts of the administrator's district",
      roles: ADMIN,
      request: {},
      response: { status: 200, description: 'Accounts', schema: z.object({ items: z.array(accountView) }) },
    },
    async ({ actor }) => {
      const users = await deps.users.listByDistrict(actor.jurisdiction.districtCode);
      return { items: await Promise.all(users.map(viewOf)) };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/',
      summary: 'Create an account for an agency of the district',
      description:
        'The account has no password yet: the answer carries a one-time code (shown once) with which the person sets ' +
        'their own password at /reset-password. An address already in use answers 409.',
      roles: ADMIN,
      request: { body: createAccountBody },
      response: { status: 201, description: 'Created, with its one-time code', schema: passwordResetIssued },
      errors: [ErrorCode.Conflict],
    },
    async ({ actor, body, req }) => {
      const agency = await agencyFor(actor, body.agencyCode, body.role, 'role');
      const created = await deps.users.createIfAbsent({
        email: body.email,
        displayName: body.displayName,
        role: body.role,
        agencyCode: agency.code,
        jurisdiction: jurisdictionOf(agency),
        // Nobody knows this password: the person sets theirs with the one-time code.
        passwordHash: await hashPassword(randomUUID()),
      });
      if (!created) throw new AppError(ErrorCode.Conflict, 'An account with this email exists');
      await record(actor, req, 'account.created', String(created._id), { role: body.role, agencyCode: agency.code });
      return issueReset(actor, req, created);
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/:id',
      summary: "Change an account's name, role or agency",
      description: 'A change of role or agency ends the sessions of the account.',
      roles: ADMIN,
      request: { params: accountIdParams, body: updateAccountBody },
      response: { status: 200, description: 'The account', schema: accountView },
      errors: [ErrorCode.NotFound, ErrorCode.Conflict],
    },
    async ({ actor, params, body, req }) => {
      const user = await managed(actor, params.id);
      const role = body.role ?? user.role;
      const fields: FieldError[] = [];
      if (params.id === actor.userId && body.role && body.role !== 'administrator')
        fields.push({ field: 'role', message: 'an administrator cannot take away their own administrator role' });
      if (fields.length) throw validationError(fields);
      const agency = await agencyFor(
        actor,
        body.agencyCode ?? user.agencyCode,
        role,
        body.role ? 'role' : 'agencyCode',
      );
      const updated = await deps.users.update(params.id, {
        ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
        ...(body.role ? { role: body.role } : {}),
        ...(body.agencyCode ? { agencyCode: agency.code, jurisdiction: jurisdictionOf(agency) } : {}),
      });
      if (!updated) throw new AppError(ErrorCode.NotFound, 'No such account');
      const changes: Record<string, string> = {};
      if (body.role && body.role !== user.role) changes.role = `${user.role} → ${body.role}`;
      if (body.agencyCode && body.agencyCode !== user.agencyCode)
        changes.agencyCode = `${user.agencyCode} → ${body.agencyCode}`;
      if (body.displayName !== undefined && body.displayName !== user.displayName) changes.displayName = 'changed';
      await record(actor, req, 'account.updated', params.id, changes);
      return viewOf(updated);
    },
  );

  const setActive = (active: boolean) =>
    api.route(
      {
        method: 'post',
        path: `/:id/${active ? 'reactivate' : 'deactivate'}`,
        summary: active ? 'Reactivate an account' : 'Deactivate an account: its next request answers 401',
        description: active
          ? 'The person signs in again with their password (or a new one-time code).'
          : 'Every session of the account ends at once; an administrator cannot deactivate their own account.',
        roles: ADMIN,
        request: { params: accountIdParams },
        response: { status: 200, description: 'The account', schema: accountView },
        errors: [ErrorCode.NotFound, ErrorCode.Conflict],
      },
      async ({ actor, params, req }) => {
        await managed(actor, params.id);
        if (!active && params.id === actor.userId)
          throw new AppError(ErrorCode.Conflict, 'An administrator cannot deactivate their own account');
        const updated = await deps.users.setActive(params.id, active);
        if (!updated) throw new AppError(ErrorCode.NotFound, 'No such account');
        await record(actor, req, active ? 'account.reactivated' : 'account.deactivated', params.id);
        return viewOf(updated);
      },
    );
  setActive(false);
  setActive(true);

  api.route(
    {
      method: 'post',
      path: '/:id/password-reset',
      summary: 'Issue a one-time code with which the person sets a new password',
      description:
        `The code is in this answer only (it is stored as a hash), works once, for ${RESET_CODE_TTL_HOURS} hours; ` +
        'issuing it ends the sessions of the account.',
      roles: ADMIN,
      request: { params: accountIdParams },
      response: { status: 200, description: 'The code, shown once', schema: passwordResetIssued },
      errors: [ErrorCode.NotFound, ErrorCode.Conflict],
    },
    async ({ actor, params, req }) => {
      const user = await managed(actor, params.id);
      if (!user.active) throw new AppError(ErrorCode.Conflict, 'Reactivate the account first');
      return issueReset(actor, req, user);
    },
  );

  return api.router;
}
