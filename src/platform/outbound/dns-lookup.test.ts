import { describe, expect, it } from 'vitest';
import { parseAllowList } from './address-policy.ts';
import { lookupAddresses, lookupLoad } from './dns-lookup.ts';
import { checkUrl } from './url-check.ts';

const settle = async () => {
  for (let i = 0; i < 5; i++) await null; // p-limit starts queued work a microtask later
};

describe('host name lookups', () => {
  it('hold at most two thread-pool threads at once; the rest wait and still resolve', async () => {
    const lookups = Array.from({ length: 6 }, () => lookupAddresses('localhost'));
    await settle();
    expect(lookupLoad()).toEqual({ active: 2, waiting: 4 });
    for (const addresses of await Promise.all(lookups)) {
      expect(addresses.length).toBeGreaterThan(0);
      expect(addresses.every((a) => a.address === '127.0.0.1' || a.address === '::1')).toBe(true);
    }
    expect(lookupLoad()).toEqual({ active: 0, waiting: 0 });
  });

  it('the request-time URL check goes through the same limit', async () => {
    const checks = Array.from({ length: 4 }, () => checkUrl('http://localhost/x.mp4', parseAllowList('')).catch((err: Error) => err));
    await settle();
    expect(lookupLoad()).toEqual({ active: 2, waiting: 2 });
    for (const result of await Promise.all(checks)) expect(String(result)).toMatch(/internal address/);
  });
});
