/**
 * What "on this machine" means for a scrape target: an http(s) URL whose host is a loopback
 * address (127.0.0.0/8, ::1, its IPv4-mapped form) or `localhost`, and, when it is a name, one that
 * resolves to loopback addresses only. The URL is checked before a scrape, each redirect's target
 * again, and the address actually connected to by the resolver hook below, so neither a redirect nor
 * a strange resolver can take a scrape off the machine.
 */
import { lookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';

const LOCALHOST = 'localhost';
const IPV4_LOOPBACK_RE = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z (an address, not a name). */
export function isLoopbackAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(plain) === 4) return IPV4_LOOPBACK_RE.test(plain);
  if (isIP(plain) !== 6) return false;
  if (plain === '::1' || plain === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain);
  return mapped !== null && IPV4_LOOPBACK_RE.test(mapped[1]!);
}

/** Why `url` is not a loopback http(s) URL a target may have, or undefined when it is one. */
export function loopbackUrlProblem(url: string | URL): string | undefined {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return `${JSON.stringify(String(url))} is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `${parsed.href} is not an http or https URL`;
  }
  const host = parsed.hostname.toLowerCase();
  if (host === LOCALHOST || isLoopbackAddress(host)) return undefined;
  return `${parsed.host} is not on this machine: only loopback addresses (127.0.0.0/8, ::1, localhost) can be scraped`;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that resolves as usual, then refuses any address that is not
 * loopback (a hosts file that maps localhost elsewhere, for one).
 */
export function loopbackLookup(
  hostname: string,
  options: LookupOneOptions | LookupAllOptions,
  callback: LookupCallback,
): void {
  lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const outside = addresses.find((a) => !isLoopbackAddress(a.address));
    if (outside) {
      const refused: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to ${outside.address}, not a loopback address`,
      );
      refused.code = 'ENOTLOOPBACK';
      return callback(refused, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    return callback(null, first.address, first.family);
  });
}
