/** The ChildSafe worker: every workflow and activity on one task queue, with the payload codec. */
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { Config } from '../common/config';
import { createDataConverter } from '../common/temporal';
import { createWorkerActivities } from './activities';

export interface ChildSafeWorkerDependencies {
  config: Config;
  connection: NativeConnection;
  /** For activities that start or signal workflows (intake → case). */
  client: Client;
  transport: Transporter;
}

export function createChildSafeWorker({
  config,
  connection,
  client,
  transport,
}: ChildSafeWorkerDependencies): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    dataConverter: createDataConverter(config),
    activities: createWorkerActivities({ config, client, transport }),
  });
}
