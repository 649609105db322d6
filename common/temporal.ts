/** Temporal connections for the API and workers, with the encryption codec on every payload. */
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from './config';
import { createEncryptionCodec } from './codec';

export function createDataConverter(config: Pick<Config, 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_ID'>): DataConverter {
  return { payloadCodecs: [createEncryptionCodec(config)] };
}

type ClientConfig = Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_ID'>;

/**
 * Attempts of one call while Temporal answers UNAVAILABLE: the SDK's default is 10 with backoff up to 5 s (about 19 s
 * before a caller hears that Temporal is down; measured 18.9 s for POST /reports). Two attempts, 170 ms (±20%) apart,
 * ride over a connection that just dropped (gRPC reconnects underneath), and the API answers 503 within 3 s even on
 * a busy machine, where a process's first call alone costs about a second (dependency-down.test.ts). Activities that
 * call Temporal fail as fast, and their own retry policy takes over.
 */
export const TEMPORAL_CALL_ATTEMPTS = 2;

/**
 * A client whose connection is made on first use and re-made by gRPC after an outage, so the API can start (and
 * answer 503) while Temporal is still down.
 */
export function createTemporalClient(config: ClientConfig): { client: Client; connection: Connection } {
  const connection = Connection.lazy({
    address: config.TEMPORAL_ADDRESS,
    connectTimeout: '5s',
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: TEMPORAL_CALL_ATTEMPTS }))],
  });
  const client = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(config),
  });
  return { client, connection };
}

/** True when the Temporal frontend answers within `timeoutMs`. */
export async function temporalReachable(connection: Connection, timeoutMs = 2000): Promise<boolean> {
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}
