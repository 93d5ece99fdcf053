import dns, { type LookupAddress, type LookupAllOptions } from 'node:dns';
import pLimit from 'p-limit';

// getaddrinfo runs on libuv's thread pool (4 threads), which every file read, write and copy shares.
// A DNS server that answers slowly, queried for many URLs at once, would hold every thread and stall
// storage for all clients: lookups take at most two threads, and wait their turn beyond that.
const MAX_CONCURRENT_LOOKUPS = 2;
const limit = pLimit(MAX_CONCURRENT_LOOKUPS);

/** Every address of hostname, as the system resolver (hosts file, then DNS) gives them. */
export function lookupAddresses(hostname: string, options: Omit<LookupAllOptions, 'all'> = {}): Promise<LookupAddress[]> {
  return limit(
    () =>
      new Promise<LookupAddress[]>((resolve, reject) =>
        dns.lookup(hostname, { ...options, all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
      ),
  );
}

/** Lookups holding a pool thread now, and lookups waiting for one. */
export function lookupLoad(): { active: number; waiting: number } {
  return { active: limit.activeCount, waiting: limit.pendingCount };
}
