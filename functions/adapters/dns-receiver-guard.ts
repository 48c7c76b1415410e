import { promises as dns } from 'node:dns';
import { ReceiverRefusedError, ResolvingReceiverGuard, type ReceiverGuard, type ReceiverPolicy, type Resolver } from '../domain/receiver-guard.ts';

type Lookup = (hostname: string, options: { all: true; verbatim: true }) => Promise<Array<{ address: string; family: number }>>;

/** Answers that mean the name has no address, as opposed to a resolver that failed. */
const noSuchName = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME']);

/**
 * Resolves with the operating system's resolver (the one a plain connection would use), bounded in time so that a
 * hostile name server cannot hold a registration or a delivery open.
 */
export function dnsResolver(timeoutMs = 3000, lookup: Lookup = dns.lookup as Lookup): Resolver {
  return async (hostname) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ReceiverRefusedError(`host ${hostname} did not resolve within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      const answers = await Promise.race([lookup(hostname, { all: true, verbatim: true }), timeout]);
      return answers.map((answer) => answer.address);
    } catch (error) {
      if (error instanceof ReceiverRefusedError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? 'an unknown error';
      if (noSuchName.has(code)) return [];
      throw new ReceiverRefusedError(`host ${hostname} could not be resolved (${code})`);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The registration-time guard with the system resolver. */
export function dnsReceiverGuard(policy: () => ReceiverPolicy, resolve: Resolver = dnsResolver()): ReceiverGuard {
  return { assertAllowed: (url, field) => new ResolvingReceiverGuard(resolve, policy()).assertAllowed(url, field) };
}
