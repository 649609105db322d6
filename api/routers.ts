/**
 * The API's composition: every resource router with exactly the dependencies it needs, by mount path under /api/v1.
 * api/main.ts and the end-to-end tests build the API through this one function.
 */
import type { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../common/config';
import type { Logger } from '../common/logger';
import { createEncryptionCodec } from '../common/codec';
import { createChildRepository } from '../models/child-repository';
import { createIdentityCrypto, deriveIdentityKeys } from '../models/identity-crypto';
import { createNotificationRepository } from '../models/notification';
import { createUserRepository } from '../models/user';
import { createAuthenticate } from './auth/authenticate';
import { createAuditLogSink } from './auth/audit';
import { createTokenService } from './auth/tokens';
import { createMongoRateLimitStore } from './http/rate-limit';
import { createAccountRouter } from './routes/accounts';
import { createAgencyRouter } from './routes/agencies';
import { createAuditRouter } from './routes/audit';
import { createAuthRouter } from './routes/auth';
import { createCaseRouter } from './routes/cases';
import { createCaseRecordsRouter } from './routes/case-records';
import { createAttachmentStore, deriveAttachmentKey } from '../models/attachment-repository';
import { createChildRouter } from './routes/children';
import { createCodecRouter } from './routes/codec';
import { createDevMailRouter, devMailEnabled } from './routes/dev-mail';
import { createWorkflowDistrictResolver } from './read-models/workflow-district';
import { createDetentionNoticeRouter } from './routes/detention-notices';
import { createExportRouter } from './routes/exports';
import { createIndicatorRouter } from './routes/indicators';
import { createInterventionRouter } from './routes/interventions';
import { createLedgerRouter } from './routes/ledger';
import { createNotificationRouter } from './routes/notifications';
import { createPolicyRouter } from './routes/policies';
import { createReportRouter } from './routes/reports';
import { createScreeningRouter } from './routes/screening';
import { createTaskRouter } from './routes/tasks';

export interface RouterDependencies {
  config: Config;
  logger: Logger;
  temporal: Client;
  /** Reports per signed-in filer per window; default 120 a minute (the benchmark files as one user and raises it). */
  reportRateLimit?: { limit: number; windowSeconds: number };
  /** Rows per chunk of a screening import (tests use small chunks to have several). */
  screeningChunkSize?: number;
}

export function createRouters({
  config,
  logger,
  temporal,
  reportRateLimit,
  screeningChunkSize,
}: RouterDependencies): Record<string, Router> {
  const users = createUserRepository();
  const tokens = createTokenService({ secret: config.AUTH_TOKEN_SECRET, ttlMinutes: config.AUTH_TOKEN_TTL_MINUTES });
  const authenticate = createAuthenticate({ tokens, users });
  const audit = createAuditLogSink();
  const codec = createEncryptionCodec(config);
  const rateLimits = createMongoRateLimitStore();
  const children = createChildRepository({
    identityKeys: deriveIdentityKeys(Buffer.from(config.CHILD_DATA_KEY, 'base64')),
  });
  const attachments = createAttachmentStore({ key: deriveAttachmentKey(Buffer.from(config.CHILD_DATA_KEY, 'base64')) });
  const routers: Record<string, Router> = {
    '/auth': createAuthRouter({ config, logger, users, tokens, authenticate, audit, rateLimits }),
    '/reports': createReportRouter({
      temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      authenticate,
      rateLimits,
      logger,
      ...(reportRateLimit ? { reportRateLimit } : {}),
    }),
    '/screening': createScreeningRouter({
      temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      authenticate,
      audit,
      identity: createIdentityCrypto(deriveIdentityKeys(Buffer.from(config.CHILD_DATA_KEY, 'base64'))),
      ...(screeningChunkSize ? { chunkSize: screeningChunkSize } : {}),
    }),
    '/tasks': createTaskRouter({ temporal, authenticate, audit, attachments }),
    '/cases': createCaseRouter({ temporal, authenticate, audit, logger }),
    '/case-records': createCaseRecordsRouter({ authenticate, audit, attachments }),
    '/interventions': createInterventionRouter({ temporal, authenticate, audit, attachments }),
    '/detention-notices': createDetentionNoticeRouter({
      temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      authenticate,
      audit,
    }),
    '/children': createChildRouter({ children, authenticate, audit }),
    '/ledger': createLedgerRouter({
      temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      authenticate,
      audit,
      children,
      identity: createIdentityCrypto(deriveIdentityKeys(Buffer.from(config.CHILD_DATA_KEY, 'base64'))),
    }),
    '/agencies': createAgencyRouter({ authenticate }),
    '/accounts': createAccountRouter({ users, authenticate, audit }),
    '/policies': createPolicyRouter({ authenticate }),
    '/indicators': createIndicatorRouter({ authenticate }),
    '/exports': createExportRouter({ authenticate, audit }),
    '/audit': createAuditRouter({ authenticate, audit }),
    '/notifications': createNotificationRouter({ notifications: createNotificationRepository(), authenticate }),
    '/codec': createCodecRouter({
      codec,
      authenticate,
      temporalUiUrl: config.TEMPORAL_UI_URL,
      districtOf: createWorkflowDistrictResolver({ client: temporal, codec }),
      audit,
    }),
  };
  // Development only, administrators only (the sink's messages name children and cases).
  if (devMailEnabled(config)) routers['/dev/mail'] = createDevMailRouter(config.MAIL_SINK_DIR, authenticate);
  return routers;
}
