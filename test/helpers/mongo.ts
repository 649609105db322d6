/**
 * A private database per test file on the suite's FerretDB (or the MongoDB named by MONGODB_URI), so files running
 * side by side never see each other's documents.
 */
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';

export function testDatabaseUri(prefix = 't'): string {
  const base = process.env.MONGODB_URI;
  if (!base) throw new Error('MONGODB_URI is not set: run the suite through `npm test`');
  const url = new URL(base);
  url.pathname = `/${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  return url.toString();
}

/** Connects the default mongoose connection to a fresh database; returns a function that drops it and disconnects. */
export async function connectTestDatabase(prefix?: string): Promise<() => Promise<void>> {
  await mongoose.connect(testDatabaseUri(prefix), { serverSelectionTimeoutMS: 10_000 });
  return async () => {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
  };
}
