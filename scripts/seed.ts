/**
 * Seeds what a local ChildSafe needs to be usable: the agency directory of both districts and, outside production,
 * the demo accounts. Idempotent: `npm start` runs it every time.
 */
import mongoose from 'mongoose';
import { seedDirectory } from '../models/seed/directory';
import { ensureIndexes } from '../models';
import { createUserRepository } from '../models/user';
import { seedDemoUsers } from '../api/auth/demo-users';

async function main(): Promise<void> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is required');
  const environment = (process.env.NODE_ENV ?? 'development') as 'development' | 'test' | 'production';
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 15_000 });
  try {
    await ensureIndexes();
    const directory = await seedDirectory();
    process.stdout.write(`directory: ${directory.total} agencies (${directory.inserted} new)\n`);
    if (environment !== 'production') {
      const users = await seedDemoUsers(createUserRepository(), { environment });
      process.stdout.write(`demo accounts: ${users.created.length} new, ${users.existing.length} existing\n`);
    }
  } finally {
    await mongoose.disconnect();
  }
}

main().catch((err) => {
  process.stderr.write(`seed failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
