import { scryptSync } from 'node:crypto';
import { hashPassword, verifyPassword, SCRYPT_PARAMS } from '../../../api/auth/passwords';

describe('password hashing', () => {
  it('stores a self-describing scrypt string with its parameters and a random salt', async () => {
    const encoded = await hashPassword('correct horse');
    expect(encoded).toMatch(/^scrypt\$N=32768,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(SCRYPT_PARAMS).toEqual({ N: 2 ** 15, r: 8, p: 1 });
    expect(await hashPassword('correct horse')).not.toBe(encoded);
  });

  it('accepts the right password and refuses a wrong one', async () => {
    const encoded = await hashPassword('ChildSafe-demo-2026');
    expect(await verifyPassword('ChildSafe-demo-2026', encoded)).toBe(true);
    expect(await verifyPassword('ChildSafe-demo-2025', encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  it('verifies a hash made with other parameters by reading them from the stored string', async () => {
    const cheaper = await hashPassword('口令', { N: 2 ** 10, r: 8, p: 1 });
    expect(cheaper.startsWith('scrypt$N=1024,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('口令', cheaper)).toBe(true);
  });

  it('treats the same text in different Unicode forms as the same password', async () => {
    const encoded = await hashPassword('ｐａｓｓ');
    expect(await verifyPassword('pass', encoded)).toBe(true);
  });

  it('refuses malformed or tampered hashes instead of throwing or exhausting memory', async () => {
    const encoded = await hashPassword('secret');
    for (const bad of [
      '',
      'plain-text',
      encoded.replace('N=32768', 'N=1000'),
      encoded.replace('N=32768', 'N=4194304'),
      encoded.replace('r=8', 'r=0'),
      encoded.replace(/\$[^$]+$/, '$AAAA'),
    ]) {
      expect(await verifyPassword('secret', bad)).toBe(false);
    }
  });
});

describe('a stored hash is read within bounds (a tampered record cannot choose the cost)', () => {
  const store = (password: string, N: number, r: number, p: number, saltBytes: number, keyBytes: number) => {
    const salt = Buffer.alloc(saltBytes, 7);
    const key = scryptSync(password.normalize('NFKC'), salt, keyBytes, { N, r, p, maxmem: 64 * 1024 * 1024 });
    return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  };

  it('verifies hashes at the edges of what it accepts: N=1024, r=16, p=4, an 8-byte salt and a 16-byte key', async () => {
    expect(await verifyPassword('pw', store('pw', 1024, 1, 1, 8, 16))).toBe(true);
    expect(await verifyPassword('pw', store('pw', 1024, 16, 1, 16, 32))).toBe(true);
    expect(await verifyPassword('pw', store('pw', 1024, 1, 4, 16, 32))).toBe(true);
    expect(await verifyPassword('pw', store('pw', 1024, 1, 1, 16, 32).replace('scrypt$', 'scrypt$'))).toBe(true);
  });

  it('refuses, as a plain false, a correct hash whose parameters or sizes lie outside the bounds', async () => {
    expect(await verifyPassword('pw', store('pw', 1024, 17, 1, 16, 32))).toBe(false);
    expect(await verifyPassword('pw', store('pw', 1024, 1, 5, 16, 32))).toBe(false);
    expect(await verifyPassword('pw', store('pw', 1024, 1, 1, 7, 16))).toBe(false);
    expect(await verifyPassword('pw', store('pw', 1024, 1, 1, 8, 15))).toBe(false);
    // Not a power of two, or too small: scrypt itself would throw; the parser refuses first.
    const good = store('pw', 1024, 1, 1, 8, 16);
    expect(await verifyPassword('pw', good.replace('N=1024,', 'N=3,'))).toBe(false);
    expect(await verifyPassword('pw', good.replace('N=1024,', 'N=1,'))).toBe(false);
    expect(await verifyPassword('pw', good.replace(',r=1,', ',r=0,'))).toBe(false);
    expect(await verifyPassword('pw', good.replace(',p=1$', ',p=0$'))).toBe(false);
  });

  it('refuses stored strings that are not in its format', async () => {
    const good = store('pw', 1024, 1, 1, 8, 16);
    for (const bad of [
      `x${good}`,
      good.replace('scrypt$', 'bcrypt$'),
      good.replace('$N=', '$n='),
      good.replace(/\$[^$]*$/, '$***'),
    ])
      expect(await verifyPassword('pw', bad)).toBe(false);
  });
});
