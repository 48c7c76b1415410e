import ipaddr from 'ipaddr.js';
import { ValidationError } from './errors.ts';

/**
 * Receiver safety (SSRF), one set of rules for every delivery kind (webhooks, job subscriptions, operation
 * callbacks). A receiver URL is checked three times: its syntax by the request schema, its resolved addresses at
 * registration, and its resolved addresses again at every delivery attempt, where the connection goes to the
 * address that was checked (no second resolution, so DNS rebinding gains nothing).
 */

/** A delivery was not attempted because the receiver's address is refused; nothing was sent or connected. */
export class ReceiverRefusedError extends Error {
  override readonly name = 'ReceiverRefused';
  constructor(readonly reason: string) {
    super(`Receiver refused: ${reason}`);
  }
}

/** Registration-time check: throws a 400 naming `field` (e.g. `body.webhookUrl`) when the receiver is refused. */
export interface ReceiverGuard {
  assertAllowed(url: string, field: string): Promise<void>;
}

/** Every address a host name resolves to; an empty list when it does not resolve. */
export type Resolver = (hostname: string) => Promise<string[]>;

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** What the operator admits beyond public unicast addresses. */
export interface ReceiverPolicy {
  /** Host names (exact, lower case) whose addresses are all admitted. */
  hosts: ReadonlySet<string>;
  networks: readonly Cidr[];
  /** Plain http to loopback addresses that are on the allow-list (the local stack); never to anything else. */
  allowLoopbackHttp: boolean;
}

export const emptyPolicy: ReceiverPolicy = { hosts: new Set(), networks: [], allowLoopbackHttp: false };

/** The value of the http switch that admits plain http to allow-listed loopback receivers. */
export const loopbackHttp = 'loopback';

/**
 * Reads the operator's allow-list: comma-separated host names, IP addresses and CIDR networks. A malformed entry
 * is the deployment's mistake and fails loudly rather than silently admitting or refusing.
 */
export function receiverPolicy(allowList: string | undefined, allowHttp: string | undefined): ReceiverPolicy {
  const hosts = new Set<string>();
  const networks: Cidr[] = [];
  for (const raw of (allowList ?? '').split(',')) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry.includes('/')) {
      networks.push(ipaddr.parseCIDR(entry));
    } else if (ipaddr.IPv4.isValidFourPartDecimal(entry) || ipaddr.IPv6.isValid(unbracket(entry))) {
      const address = ipaddr.parse(unbracket(entry));
      networks.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(entry)) {
      hosts.add(entry.replace(/\.$/, ''));
    } else {
      throw new Error(`Receiver allow-list entry "${raw.trim()}" is not a host name, IP address or CIDR network`);
    }
  }
  const switchValue = (allowHttp ?? '').trim();
  if (switchValue && switchValue !== loopbackHttp) throw new Error(`Receiver http switch must be "${loopbackHttp}" or empty, not "${switchValue}"`);
  return { hosts, networks, allowLoopbackHttp: switchValue === loopbackHttp };
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

const maxUrlLength = 2048;

/**
 * The syntactic rules, without resolving anything: the reason a receiver URL is refused, or undefined. Never throws,
 * whatever the input, so a malformed URL is a 400 and never a 500.
 */
export function receiverUrlProblem(value: string, policy: ReceiverPolicy = emptyPolicy): string | undefined {
  if (value.length > maxUrlLength) return `must be at most ${maxUrlLength} characters`;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (!scheme || !value.slice(scheme.length + 1).startsWith('//')) return 'must be an absolute https URL, e.g. https://receiver.example.com/hooks';
  if (scheme !== 'https' && scheme !== 'http') return 'must be an https URL';
  // WHATWG parsing silently strips, re-encodes or reinterprets these; a receiver URL must be exactly what it says.
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return 'must not contain spaces or control characters';
  if (value.includes('\\')) return 'must not contain backslashes';
  const authority = /^[^:]+:\/\/([^/?#]*)/.exec(value)![1]!;
  if (authority.includes('@')) return 'must not contain a user name or password';
  if (!authority) return 'must name a host';
  // The port is checked before parsing so that a port out of range gets its own reason, not "must be a valid URL".
  const port = (authority.startsWith('[') ? /^\[[^\]]*\](?::(.*))?$/ : /^[^:]*(?::(.*))?$/).exec(authority)?.[1];
  if (port !== undefined && port !== '' && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) return 'port must be a number from 1 to 65535';
  if (!URL.canParse(value)) return 'must be a valid URL';
  const url = new URL(value);
  if (!url.hostname) return 'must name a host';
  if (url.port === '0') return 'port must be a number from 1 to 65535';
  // Plain http only where the local switch is on and the host can be loopback; checkReceiver then requires every
  // resolved address to be loopback.
  if (scheme === 'http' && !(policy.allowLoopbackHttp && nameOrLiteralAllowListed(url.hostname, policy) && isLoopbackName(url.hostname, policy))) {
    return 'must be an https URL';
  }
  return undefined;
}

/** A loopback literal, or a name that may resolve to loopback (checked when it is resolved). */
function isLoopbackName(hostname: string, policy: ReceiverPolicy): boolean {
  const literal = ipLiteral(hostname);
  if (literal) return effectiveRange(literal).range === 'loopback';
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || policy.hosts.has(name);
}

function nameOrLiteralAllowListed(hostname: string, policy: ReceiverPolicy): boolean {
  const literal = ipLiteral(hostname);
  const name = hostname.toLowerCase().replace(/\.$/, '');
  // `*.localhost` names resolve to loopback (RFC 6761) wherever `localhost` is allow-listed.
  return literal ? addressAllowListed(literal, policy) : policy.hosts.has(name) || (name.endsWith('.localhost') && policy.hosts.has('localhost'));
}

/** The IP address a URL's host names literally (WHATWG URLs canonicalise IPv4 forms like `0x7f.1` to dotted quads). */
export function ipLiteral(hostname: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = unbracket(hostname);
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (hostname.startsWith('[') && ipaddr.IPv6.isValid(bare)) return ipaddr.IPv6.parse(bare);
  return undefined;
}

/** The only ranges a receiver may be in without the allow-list. */
const publicRanges = new Set(['unicast']);

/** IPv6 ranges that carry an IPv4 address: judged by the IPv4 address they carry. */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const parts = address.parts;
  const bytes = address.toByteArray();
  const firstFiveZero = parts.slice(0, 5).every((part) => part === 0);
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (RFC 6145 translated), ::a.b.c.d (deprecated compatible).
  if (firstFiveZero && (parts[5] === 0xffff || parts[5] === 0)) {
    if (parts[5] === 0 && parts[6] === 0) return undefined; // :: and ::1 are their own ranges
    return new ipaddr.IPv4(bytes.slice(12, 16));
  }
  if (parts.slice(0, 4).every((part) => part === 0) && parts[4] === 0xffff && parts[5] === 0) return new ipaddr.IPv4(bytes.slice(12, 16));
  // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052) and the local-use 64:ff9b:1::/48 (RFC 8215).
  if (parts[0] === 0x64 && parts[1] === 0xff9b) return new ipaddr.IPv4(bytes.slice(12, 16));
  // 6to4: 2002:aabb:ccdd::/48 carries aa.bb.cc.dd.
  if (parts[0] === 0x2002) return new ipaddr.IPv4(bytes.slice(2, 6));
  return undefined;
}

interface Classified {
  range: string;
  /** The IPv4 address an IPv6 form carries, when it was judged by it. */
  via?: string;
}

function effectiveRange(address: ipaddr.IPv4 | ipaddr.IPv6): Classified {
  if (address.kind() === 'ipv4') return { range: address.range() };
  const v6 = address as ipaddr.IPv6;
  const carried = embeddedIpv4(v6);
  if (carried) return { range: carried.range(), via: carried.toString() };
  const range = v6.range();
  // Only global unicast (2000::/3) is public; ipaddr.js calls every unlisted IPv6 range "unicast".
  if (range === 'unicast' && (v6.parts[0]! & 0xe000) !== 0x2000) return { range: 'reserved' };
  return { range };
}

function addressAllowListed(address: ipaddr.IPv4 | ipaddr.IPv6, policy: ReceiverPolicy): boolean {
  const candidates = [address, ...(address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? [(address as ipaddr.IPv6).toIPv4Address()] : [])];
  return candidates.some((candidate) => policy.networks.some(([network, bits]) => network.kind() === candidate.kind() && candidate.match(network, bits)));
}

const rangeNames: Record<string, string> = {
  unspecified: 'an unspecified address (0.0.0.0/8 or ::)',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address (169.254.0.0/16 or fe80::/10, e.g. instance metadata)',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  private: 'a private address (RFC 1918)',
  uniqueLocal: 'a unique-local address (fc00::/7)',
  deprecatedSiteLocal: 'a site-local address (fec0::/10)',
  teredo: 'a Teredo tunnel address',
  benchmarking: 'a benchmarking address',
  reserved: 'a reserved or documentation address',
};

/** What a refused address is ("a private address (RFC 1918)"), or undefined when it may be reached. */
function refusal(address: ipaddr.IPv4 | ipaddr.IPv6, policy: ReceiverPolicy): string | undefined {
  if (addressAllowListed(address, policy)) return undefined;
  const { range, via } = effectiveRange(address);
  if (publicRanges.has(range)) return undefined;
  const what = rangeNames[range] ?? `a special-purpose address (${range})`;
  return via ? `a form of ${via}, ${what}` : what;
}

function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = unbracket(address).replace(/%.*$/, '');
  return ipaddr.isValid(bare) ? ipaddr.parse(bare) : undefined;
}

/** Why one address is refused, or undefined when it may be reached. */
export function addressProblem(address: string, policy: ReceiverPolicy = emptyPolicy): string | undefined {
  const parsed = parseAddress(address);
  if (!parsed) return `${address} is not an IP address`;
  const what = refusal(parsed, policy);
  return what && `${address} is ${what}`;
}

/** The outcome of checking a receiver: where a delivery may connect. */
export interface CheckedReceiver {
  url: URL;
  /** The checked addresses, in resolution order; a delivery connects only to these and never resolves again. */
  addresses: string[];
}

/**
 * Resolves the receiver's host (a literal IP is taken as is) and refuses it if its syntax is refused or ANY of its
 * addresses is: an attacker controlling DNS could otherwise hide a private address behind a public one.
 */
export async function checkReceiver(value: string, resolve: Resolver, policy: ReceiverPolicy): Promise<CheckedReceiver> {
  const syntax = receiverUrlProblem(value, policy);
  if (syntax) throw new ReceiverRefusedError(syntax);
  const url = new URL(value);
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const literal = ipLiteral(url.hostname);
  const hostAllowListed = !literal && policy.hosts.has(host);
  const addresses = literal ? [literal.toString()] : await resolve(unbracket(url.hostname));
  if (!addresses.length) throw new ReceiverRefusedError(`host ${host} does not resolve`);
  const parsed = addresses.map((address) => ({ address, ip: parseAddress(address) }));
  for (const { address, ip } of parsed) {
    if (!ip) throw new ReceiverRefusedError(`host ${host} resolves to ${address}, which is not an IP address`);
    const what = hostAllowListed ? undefined : refusal(ip, policy);
    if (what) throw new ReceiverRefusedError(literal ? `${url.hostname} is ${what}` : `host ${host} resolves to ${address}, ${what}`);
  }
  // Plain http is admitted only where it cannot leave the machine.
  if (url.protocol === 'http:' && !parsed.every(({ ip }) => effectiveRange(ip!).range === 'loopback')) {
    throw new ReceiverRefusedError('must be an https URL');
  }
  return { url, addresses };
}

/** The registration-time guard: the rules above, with a refusal turned into the project's 400. */
export class ResolvingReceiverGuard implements ReceiverGuard {
  constructor(
    private readonly resolve: Resolver,
    private readonly policy: ReceiverPolicy,
  ) {}

  async assertAllowed(url: string, field: string): Promise<void> {
    try {
      await checkReceiver(url, this.resolve, this.policy);
    } catch (error) {
      if (error instanceof ReceiverRefusedError) {
        throw new ValidationError(`The receiver ${field.replace(/^body\./, '')} is refused: ${error.reason}`, [{ name: field, reason: error.reason }]);
      }
      throw error;
    }
  }
}
