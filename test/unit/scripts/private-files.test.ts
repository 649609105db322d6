/** Local data is owner-only: ensurePrivateDir creates 0700 and restricts what an older run left readable. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePrivateDir } from '../../../scripts/services/private-files';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('private data folders', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-private-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('creates the folder owner-only', () => {
    const dir = path.join(root, 'data', 'ferretdb');
    ensurePrivateDir(dir);
    expect(mode(dir)).toBe(0o700);
  });

  it('restricts folders and files an older run left world-readable', () => {
    const data = path.join(root, 'data');
    fs.mkdirSync(path.join(data, 'mail'), { recursive: true, mode: 0o755 });
    fs.chmodSync(data, 0o755);
    fs.chmodSync(path.join(data, 'mail'), 0o755);
    const message = path.join(data, 'mail', '0001.json');
    const db = path.join(data, 'childsafe.sqlite');
    fs.writeFileSync(message, '{}', { mode: 0o644 });
    fs.writeFileSync(db, '', { mode: 0o664 });
    fs.chmodSync(message, 0o644);
    fs.chmodSync(db, 0o664);

    ensurePrivateDir(data);

    expect(mode(data)).toBe(0o700);
    expect(mode(path.join(data, 'mail'))).toBe(0o700);
    expect(mode(message)).toBe(0o600);
    expect(mode(db)).toBe(0o600);
  });
});
