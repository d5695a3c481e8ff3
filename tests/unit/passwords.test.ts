import { describe, expect, it } from 'vitest';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../db/passwords.js';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('demo123');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(hash).not.toContain('demo123');
    expect(await verifyPassword('demo123', hash)).toBe(true);
    expect(await verifyPassword('demo124', hash)).toBe(false);
    expect(await verifyPassword('Demo123', hash)).toBe(false);
  });

  it('salts each hash, so equal passwords give different hashes', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('handles Chinese passwords in either Unicode form', async () => {
    const hash = await hashPassword('售后服务Ä');
    expect(await verifyPassword('售后服务A\u0308', hash)).toBe(true);
  });

  it('refuses malformed stored hashes and never matches the dummy', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('', DUMMY_HASH)).toBe(false);
    expect(await verifyPassword('anything', DUMMY_HASH)).toBe(false);
    await expect(hashPassword('')).rejects.toThrow();
  });
});
