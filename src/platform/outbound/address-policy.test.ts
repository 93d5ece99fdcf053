import { describe, expect, it } from 'vitest';
import { isAllowed, isInternalAddress, parseAllowList, parseHostAsIp } from './address-policy.ts';

const NONE = parseAllowList('');

describe('isInternalAddress', () => {
  it.each([
    ['127.0.0.1'], ['127.255.255.254'], ['::1'],
    ['0.0.0.0'], ['0.1.2.3'], ['::'],
    ['10.0.0.1'], ['10.255.255.255'], ['172.16.0.1'], ['172.31.255.255'], ['192.168.0.1'], ['192.168.255.255'],
    ['169.254.169.254'], ['fe80::1'], ['fe80::1%eth0'], ['febf::1'],
    ['100.64.0.1'], ['100.127.255.255'],
    ['224.0.0.1'], ['239.255.255.250'], ['ff02::1'], ['ff0e::1'],
    ['240.0.0.1'], ['255.255.255.255'], ['192.0.0.8'], ['198.18.0.1'], ['198.19.255.255'],
    ['192.0.2.1'], ['198.51.100.7'], ['203.0.113.9'], ['2001:db8::1'], // documentation
    ['fc00::1'], ['fd00::1'], ['fdff:ffff::1'],
    ['::ffff:127.0.0.1'], ['::ffff:10.0.0.1'], ['::ffff:7f00:1'], ['::ffff:169.254.169.254'],
    ['64:ff9b::a00:1'], ['64:ff9b::127.0.0.1'], ['64:ff9b:1::808:808'], // NAT64, local-use NAT64
    ['::7f00:1'], ['::10.0.0.1'], // IPv4-compatible
    ['2002:7f00:1::1'], ['2002:a00:1::'], // 6to4 embedding an internal v4
    ['2001::1'], ['2001:0:4136:e378:8000:63bf:3fff:fdd2'], // Teredo
    ['100::1'], ['5f00::1'], ['4000::1'], // discard, segment routing, not global unicast
    ['not-an-ip'], [''], ['127.1'], ['2130706433'], // anything that is not a canonical IP fails closed
  ])('%s is internal', (ip) => {
    expect(isInternalAddress(ip)).toBe(true);
    expect(isAllowed(ip, 'example.com', NONE)).toBe(false);
  });

  it.each([
    ['8.8.8.8'], ['1.1.1.1'], ['172.32.0.1'], ['172.15.255.255'], ['100.128.0.1'], ['11.0.0.1'],
    ['2606:4700::1111'], ['2a00:1450:4001:80b::200e'],
    ['::ffff:8.8.8.8'], ['64:ff9b::808:808'], ['2002:808:808::1'],
  ])('%s is public', (ip) => {
    expect(isInternalAddress(ip)).toBe(false);
    expect(isAllowed(ip, 'example.com', NONE)).toBe(true);
  });
});

describe('parseAllowList / isAllowed', () => {
  it('allows internal addresses covered by a CIDR', () => {
    const allow = parseAllowList('127.0.0.1/32, ::1/128,10.0.0.0/8');
    expect(isAllowed('127.0.0.1', 'x', allow)).toBe(true);
    expect(isAllowed('127.0.0.2', 'x', allow)).toBe(false);
    expect(isAllowed('::1', 'x', allow)).toBe(true);
    expect(isAllowed('10.200.3.4', 'x', allow)).toBe(true);
    expect(isAllowed('11.0.0.1', 'x', allow)).toBe(true); // public anyway
    expect(isAllowed('192.168.1.1', 'x', allow)).toBe(false);
    expect(isAllowed('fd00::1', 'x', allow)).toBe(false);
  });

  it('lets a v4 CIDR cover the same address in IPv4-mapped form', () => {
    const allow = parseAllowList('127.0.0.1/32');
    expect(isAllowed('::ffff:127.0.0.1', 'x', allow)).toBe(true);
    expect(isAllowed('::ffff:127.0.0.2', 'x', allow)).toBe(false);
  });

  it('allows single IPs', () => {
    const allow = parseAllowList('192.168.1.5,fd00::2');
    expect(isAllowed('192.168.1.5', 'x', allow)).toBe(true);
    expect(isAllowed('192.168.1.6', 'x', allow)).toBe(false);
    expect(isAllowed('fd00::2', 'x', allow)).toBe(true);
    expect(isAllowed('fd00::3', 'x', allow)).toBe(false);
  });

  it('allows host names exactly and case-insensitively', () => {
    const allow = parseAllowList(' MinIO.internal , localhost ');
    expect(allow.hosts).toEqual(new Set(['minio.internal', 'localhost']));
    expect(isAllowed('10.1.2.3', 'minio.internal', allow)).toBe(true);
    expect(isAllowed('10.1.2.3', 'MINIO.INTERNAL.', allow)).toBe(true);
    expect(isAllowed('10.1.2.3', 'other.minio.internal', allow)).toBe(false);
    expect(isAllowed('10.1.2.3', 'minio.internal.evil.com', allow)).toBe(false);
    expect(isAllowed('127.0.0.1', 'localhost', allow)).toBe(true);
    expect(isAllowed('127.0.0.1', '127.0.0.1', allow)).toBe(false);
  });

  it('an empty spec allows nothing internal', () => {
    expect(parseAllowList(' , ')).toEqual({ cidrs: [], hosts: new Set() });
    expect(isAllowed('127.0.0.1', 'localhost', NONE)).toBe(false);
  });

  it.each([['10.0.0.0/33'], ['foo/8'], ['10.0.0.0/'], ['::1/129'], ['a b'], ['-bad-'], ['http://x'], ['2130706433'], ['127.1']])(
    'rejects the bad entry %s, naming it',
    (entry) => {
      expect(() => parseAllowList(`127.0.0.1/32,${entry}`)).toThrow(entry);
    },
  );
});

describe('parseHostAsIp', () => {
  it('WHATWG URL normalises every IPv4 spelling for http(s)', () => {
    expect(new URL('http://2130706433/').hostname).toBe('127.0.0.1');
    expect(new URL('http://0177.0.0.1/').hostname).toBe('127.0.0.1');
    expect(new URL('http://0x7f000001/').hostname).toBe('127.0.0.1');
    expect(new URL('http://0x7f.1/').hostname).toBe('127.0.0.1');
    expect(new URL('http://127.1/').hostname).toBe('127.0.0.1');
    expect(new URL('https://127.0.0.1./').hostname).toBe('127.0.0.1');
    expect(new URL('http://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
    expect(new URL('http://[0:0:0:0:0:0:0:1]/').hostname).toBe('[::1]');
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'], ['2130706433', '127.0.0.1'], ['0177.0.0.1', '127.0.0.1'], ['0x7f.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'], ['127.1', '127.0.0.1'], ['127.0.0.1.', '127.0.0.1'], ['012.0.0.1', '10.0.0.1'],
    ['[::1]', '::1'], ['::1', '::1'], ['[::ffff:127.0.0.1]', '::ffff:7f00:1'], ['[0:0:0:0:0:0:0:1]', '::1'],
    ['[fd00::1]', 'fd00::1'],
  ])('%s is the IP %s', (host, ip) => {
    expect(parseHostAsIp(host)).toBe(ip);
  });

  it.each([['example.com'], ['localhost'], ['cafe'], ['dead.beef.com'], ['1.2.3.4.5'], ['a@127.0.0.1']])(
    '%s is a name, not an IP',
    (host) => {
      expect(parseHostAsIp(host)).toBeNull();
    },
  );
});
