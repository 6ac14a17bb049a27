/**
 * "On this machine" at every step of a scrape: the URL passes the settings' loopback check
 * (ingest-settings.ts: http(s) on 127.0.0.0/8, ::1 or localhost) before the scrape and again for
 * each redirect's target, and the resolver hook below refuses a name that resolves to anything but
 * loopback addresses, so neither a redirect nor a strange hosts file can take a scrape off the machine.
 */
import { lookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { checkLoopbackUrl, isLoopbackHost } from '../ingest-settings.ts';

const IPV4_MAPPED_RE = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** True for a resolved loopback address: 127.0.0.0/8, ::1, and ::ffff:127.x.y.z. */
export function isLoopbackAddress(address: string): boolean {
  const mapped = IPV4_MAPPED_RE.exec(address);
  return address !== 'localhost' && isLoopbackHost(mapped ? mapped[1]! : address);
}

/** Why `url` is not a loopback http(s) URL a target may have (the settings' own check), or undefined. */
export function loopbackUrlProblem(url: string | URL): string | undefined {
  try {
    checkLoopbackUrl(String(url));
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
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
