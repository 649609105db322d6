/** Recognises "a dependency is down" errors from the Temporal client and the MongoDB driver, so they become 503. */
import { ServiceError } from '@temporalio/client';

const MONGO_DOWN = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongooseServerSelectionError',
]);

// gRPC status codes meaning the server could not be reached or did not answer in time.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

export function isDependencyDown(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: string; code?: number; cause?: unknown };
  if (e.name && MONGO_DOWN.has(e.name)) return true;
  // Mongoose refuses commands outright while its first connection is still being made (bufferCommands is off).
  if (e.name === 'MongooseError' && /initial connection|buffering timed out/i.test((err as Error).message)) return true;
  if (err instanceof ServiceError) {
    const code = (err.cause as { code?: number } | undefined)?.code;
    return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED;
  }
  if (e.name === 'TransportError') return true;
  return e.cause !== undefined && e.cause !== err ? isDependencyDown(e.cause) : false;
}
