import { AppError } from '../errors.ts';
import { type AllowList, isAllowed, parseHostAsIp } from './address-policy.ts';
import { lookupAddresses } from './dns-lookup.ts';
import { OutboundError } from './outbound-error.ts';

const DNS_TIMEOUT_MS = 10_000;
/** The longest URL accepted from a client (the per-command webhook_url's limit too). */
export const MAX_URL_LENGTH = 8192;

/** Parses an absolute or (with `base`) relative URL under the outbound rules; throws BAD_URL. */
export function parseTarget(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new OutboundError('BAD_URL', 'The URL is not a valid absolute URL.', false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundError('BAD_URL', 'Only http and https URLs are accepted.', false);
  }
  if (url.username !== '' || url.password !== '') {
    throw new OutboundError('BAD_URL', 'URLs with credentials (user:password@) are not accepted.', false);
  }
  // Nothing can be reached on port 0: accepted, such a URL would fail only later, at every delivery.
  if (url.port === '0') throw new OutboundError('BAD_URL', 'Port 0 is not a port that can be connected to.', false);
  return url;
}

/** The host name as a resolver or socket wants it: IPv6 literals without brackets. */
export const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

function lookupAll(hostname: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // getaddrinfo cannot be cancelled, but the caller need not wait for it.
    const timer = setTimeout(() => reject(new Error('DNS lookup timed out')), DNS_TIMEOUT_MS);
    lookupAddresses(hostname).then(
      (addresses) => {
        clearTimeout(timer);
        resolve(addresses.map((a) => a.address));
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/**
 * Request-time check before the API accepts a URL (an import, a command input, a webhook). The
 * connect-time checks in request() still apply, since DNS may answer differently later.
 */
export async function checkUrl(
  rawUrl: string,
  allow: AllowList,
  field: (string | number)[] = ['body', 'file_url'],
): Promise<URL> {
  const invalid = (msg: string) => new AppError('VALIDATION_ERROR', msg, [{ loc: field, msg, type: 'value_error' }]);
  // Stored with the file, command or webhook and shown back on every read: a body-sized URL is refused.
  if (rawUrl.length > MAX_URL_LENGTH) throw invalid(`The URL is longer than ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = parseTarget(rawUrl);
  } catch (err) {
    throw invalid((err as Error).message);
  }
  // What is stored is the parsed form, where each non-ASCII character takes up to 9 characters.
  if (url.href.length > MAX_URL_LENGTH) throw invalid(`The URL is longer than ${MAX_URL_LENGTH} characters once percent-encoded.`);
  const host = bareHost(url);
  const literal = parseHostAsIp(host);
  let addresses: string[];
  if (literal !== null) {
    addresses = [literal];
  } else {
    try {
      addresses = await lookupAll(host);
    } catch {
      throw invalid(`The host name ${host} could not be resolved.`);
    }
  }
  if (addresses.length === 0 || !addresses.every((ip) => isAllowed(ip, host, allow))) {
    throw invalid(`The URL points to a loopback, private or otherwise internal address (${host}), which is not allowed.`);
  }
  return url;
}
