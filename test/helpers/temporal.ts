/**
 * Temporal environments for tests. The time-skipping server binary comes from the project's tools folder (set up by
 * scripts/setup.mjs); the dev server for integration tests is started once by test/setup/global-setup.ts.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Connection, Client } from '@temporalio/client';

export function timeSkippingServerPath(): string {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the suite through `npm test`');
  return path;
}

/** A fresh time-skipping server for one test file. */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
  });
}

/** The dev server the suite's global set-up started. */
export function devServerAddress(): string {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run the suite through `npm test`');
  return address;
}

export async function connectDevServer(): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({ address: devServerAddress() });
  return { connection, client: new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' }) };
}
