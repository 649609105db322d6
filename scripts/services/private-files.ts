/**
 * ChildSafe's local data (the FerretDB files with children's files and reports, the mail sink's messages, logs,
 * secrets) is readable by its owner only: directories 0700, files 0600. `npm start` sets the process umask to 077 so
 * every file it and its children (FerretDB, Temporal, the worker, the API) create is private, and restricts what an
 * older run left behind.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (with parents) owner-only, and makes everything already under it owner-only too. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  restrict(dir);
}

function restrict(target: string): void {
  const stat = fs.lstatSync(target);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== PRIVATE_DIR_MODE) fs.chmodSync(target, PRIVATE_DIR_MODE);
    for (const entry of fs.readdirSync(target)) restrict(path.join(target, entry));
  } else if ((stat.mode & 0o077) !== 0) fs.chmodSync(target, PRIVATE_FILE_MODE);
}
