/**
 * The worker's composition root: every activity the workflows call, built from the real dependencies (MongoDB
 * repositories, the SMTP transport, the Temporal client). Tests build the same activities over the same factories.
 */
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { Config } from '../common/config';
import { createChildRepository } from '../models/child-repository';
import { deriveIdentityKeys } from '../models/identity-crypto';
import { createNotificationRepository } from '../models/notification';
import { createDetentionActivities } from '../activities/detention';
import { createIntakeActivities } from '../activities/intake';
import { createLedgerActivities } from '../activities/ledger';
import { createNotificationActivities } from '../activities/notifications';
import { createProjectionActivities } from '../activities/projection';
import { createTaskStartActivities } from '../activities/task-start';
import { createNotificationDelivery } from '../activities/notification-delivery';
import { createMongoReportStore } from '../activities/stores/report-store';
import { createMongoProjectionStore } from '../activities/stores/projection-store';
import { createDirectoryNotifier } from '../activities/stores/notifier';
import { createMongoDetentionChildStore } from '../activities/stores/detention-store';
import { createReconcilerActivities } from '../activities/reconciler';
import { createAccountabilityActivities } from '../activities/accountability';
import { procuratorateFor, superiorAgency } from '../models/agency-directory';
import { createMongoAttentionStore } from '../activities/stores/attention-store';
import { createScreeningActivities } from '../activities/screening';
import { createScreeningLedger } from '../activities/stores/screening-ledger';
import { createIdentityCrypto } from '../models/identity-crypto';
import { createIndicatorActivities } from '../activities/indicators';
import { createLedgerRepository } from '../models/ledger-repository';

export interface WorkerActivityDependencies {
  config: Pick<Config, 'CHILD_DATA_KEY' | 'TEMPORAL_TASK_QUEUE' | 'MAIL_FROM' | 'PUBLIC_URL'>;
  client: Client;
  transport: Transporter;
}

export function createWorkerActivities({ config, client, transport }: WorkerActivityDependencies) {
  const identityKeys = deriveIdentityKeys(Buffer.from(config.CHILD_DATA_KEY, 'base64'));
  const children = createChildRepository({ identityKeys });
  const delivery = createNotificationDelivery({
    transport,
    notifications: createNotificationRepository(),
    mailFrom: config.MAIL_FROM,
    publicUrl: config.PUBLIC_URL,
  });
  const notifier = createDirectoryNotifier({ delivery });
  return {
    ...createIntakeActivities({
      reports: createMongoReportStore({ children }),
      client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
    }),
    ...createProjectionActivities({ cases: createMongoProjectionStore() }),
    ...createTaskStartActivities({ client }),
    ...createNotificationActivities({ notifier }),
    ...createReconcilerActivities({
      client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      store: createMongoAttentionStore(),
      notifier,
    }),
    ...createDetentionActivities({ children: createMongoDetentionChildStore({ children }) }),
    ...createLedgerActivities({ client, taskQueue: config.TEMPORAL_TASK_QUEUE }),
    ...createAccountabilityActivities({
      client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      directory: { superiorOf: superiorAgency, procuratorateFor },
    }),
    ...createIndicatorActivities(),
    ...createScreeningActivities({
      client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      identity: createIdentityCrypto(identityKeys),
      ledger: createScreeningLedger(createLedgerRepository({ children })),
    }),
  };
}

export type WorkerActivities = ReturnType<typeof createWorkerActivities>;
