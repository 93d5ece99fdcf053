import net from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface AllowList {
  readonly cidrs: ReadonlyArray<readonly [Address, number]>;
  /** Lower-case host names without a trailing dot. */
  readonly hosts: ReadonlySet<string>;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

// Ranges refused even if ipaddr.js ever reclassified them: the library's range() is the first
// line, this list keeps the guarantee independent of its version.
const INTERNAL_V4: ReadonlyArray<readonly [ipaddr.IPv4, number]> = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15',
  '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
].map((cidr) => ipaddr.IPv4.parseCIDR(cidr));

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const IPV4_COMPATIBLE_V6 = ipaddr.IPv6.parseCIDR('::/96');

export function parseAllowList(spec: string): AllowList {
  const cidrs: (readonly [Address, number])[] = [];
  const hosts = new Set<string>();
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry.includes('/')) {
      const [ip = '', bits = ''] = entry.split('/');
      if (net.isIP(ip) === 0 || !/^\d{1,3}$/.test(bits) || !ipaddr.isValidCIDR(entry)) {
        throw new Error(`OUTBOUND_ALLOW: "${entry}" is not a valid CIDR.`);
      }
      cidrs.push(ipaddr.parseCIDR(entry));
    } else if (net.isIP(entry) !== 0) {
      const address = ipaddr.parse(entry);
      cidrs.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else {
      const host = normaliseHost(entry);
      // A name a URL parser would read as an IPv4 number (e.g. "2130706433") must be written as an IP.
      if (!HOST_NAME.test(host) || parseHostAsIp(host) !== null) {
        throw new Error(`OUTBOUND_ALLOW: "${entry}" is neither a CIDR, an IP address nor a host name.`);
      }
      hosts.add(host);
    }
  }
  return { cidrs, hosts };
}

export function isInternalAddress(ip: string): boolean {
  if (net.isIP(ip) === 0) return true; // Fail closed on anything that is not a plain IP literal.
  const address = ipaddr.parse(ip);
  return address.kind() === 'ipv4'
    ? isInternalV4(address as ipaddr.IPv4)
    : isInternalV6(address as ipaddr.IPv6);
}

function isInternalV4(address: ipaddr.IPv4): boolean {
  if (address.range() !== 'unicast') return true;
  return INTERNAL_V4.some(([net4, bits]) => address.match(net4, bits));
}

function isInternalV6(address: ipaddr.IPv6): boolean {
  const range = address.range();
  // Forms that carry an IPv4 address the kernel, a NAT64 or a relay may end up connecting to.
  if (range === 'ipv4Mapped' || range === 'rfc6145') return isInternalV4(embeddedV4(address, 6));
  if (range === 'rfc6052') {
    // 64:ff9b:1::/48 is for local use only; 64:ff9b::/96 reaches whatever IPv4 it embeds.
    return address.parts[2] !== 0 || isInternalV4(embeddedV4(address, 6));
  }
  if (range === '6to4') return isInternalV4(embeddedV4(address, 1));
  // Deprecated IPv4-compatible addresses (::a.b.c.d) are classed "unicast" by ipaddr.js.
  if (address.match(IPV4_COMPATIBLE_V6)) return true;
  if (range !== 'unicast') return true;
  return !address.match(GLOBAL_UNICAST_V6);
}

function embeddedV4(address: ipaddr.IPv6, firstPart: number): ipaddr.IPv4 {
  const high = address.parts[firstPart] ?? 0;
  const low = address.parts[firstPart + 1] ?? 0;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

export function isAllowed(ip: string, host: string, allow: AllowList): boolean {
  if (!isInternalAddress(ip)) return true;
  if (allow.hosts.has(normaliseHost(host))) return true;
  if (net.isIP(ip) === 0) return false;
  // A v4 CIDR must also cover the same address seen through a dual-stack socket as ::ffff:a.b.c.d.
  const address = ipaddr.process(ip);
  return allow.cidrs.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
}

/**
 * The canonical IP a host name stands for, or null when it is a name to resolve. Accepts every
 * spelling of an IPv4 number the WHATWG URL parser (and inet_aton) accepts: decimal, octal, hex,
 * short forms, a trailing dot; and IPv6 with or without brackets.
 */
export function parseHostAsIp(hostname: string): string | null {
  let host = hostname.trim();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (net.isIPv4(host)) return host;
  if (net.isIPv6(host)) return ipaddr.IPv6.parse(host).toString();
  if (!/^[0-9a-fA-FxX.]+$/.test(host)) return null;
  let normalised: string;
  try {
    normalised = new URL(`http://${host}/`).hostname;
  } catch {
    return null;
  }
  return net.isIPv4(normalised) ? normalised : null;
}

function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}
