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
