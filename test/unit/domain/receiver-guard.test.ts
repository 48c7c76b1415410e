import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors.ts';
import {
  addressProblem,
  checkReceiver,
  emptyPolicy,
  ReceiverRefusedError,
  receiverPolicy,
  receiverUrlProblem,
  ResolvingReceiverGuard,
  type Resolver,
} from '../../../functions/domain/receiver-guard.ts';

/** A resolver that answers from a table and counts its calls; no network. */
function stubResolver(table: Record<string, string[] | ((call: number) => string[])>) {
  const calls: string[] = [];
  const resolve: Resolver = async (hostname) => {
    calls.push(hostname);
    const answer = table[hostname];
    if (typeof answer === 'function') return answer(calls.filter((name) => name === hostname).length);
    return answer ?? [];
  };
  return { resolve, calls };
}

const localPolicy = receiverPolicy('127.0.0.0/8,::1,localhost', 'loopback');

describe('receiverUrlProblem (syntax, no resolution)', () => {
  it.each([
    ['not a url', 'must be an absolute https URL'],
    ['', 'must be an absolute https URL'],
    ['//example.com/', 'must be an absolute https URL'],
    ['https:example.com', 'must be an absolute https URL'],
    ['ftp://example.com/', 'must be an https URL'],
    ['javascript://example.com/', 'must be an https URL'],
    ['http://example.com/', 'must be an https URL'],
    ['https://exa mple.com/', 'must not contain spaces'],
    ['https://example.com/a\nb', 'must not contain spaces or control characters'],
    ['https://example.com/\u0000', 'must not contain spaces or control characters'],
    ['https://example.com\\@evil.test/', 'must not contain backslashes'],
    ['https://user:pass@example.com/', 'must not contain a user name or password'],
    ['https://user@example.com/', 'must not contain a user name or password'],
    ['https://:pass@example.com/', 'must not contain a user name or password'],
    ['https://example.com:65536/', 'port must be a number from 1 to 65535'],
    ['https://example.com:0/', 'port must be a number from 1 to 65535'],
    ['https://example.com:99999999999/', 'port must be a number from 1 to 65535'],
    ['https://example.com:-1/', 'port must be a number from 1 to 65535'],
    ['https://example.com:8a/', 'port must be a number from 1 to 65535'],
    ['https://[::1]:65536/', 'port must be a number from 1 to 65535'],
    ['https:///path', 'must name a host'],
    ['https://[::1/', 'must be a valid URL'],
    [`https://example.com/${'a'.repeat(2048)}`, 'must be at most 2048 characters'],
  ])('refuses %j: %s', (url, reason) => {
    expect(receiverUrlProblem(url)).toContain(reason);
  });

  it.each(['https://example.com/', 'https://example.com:8443/hooks?x=1#f', 'https://[2606:4700::1]/', 'https://example.com:/', 'HTTPS://Example.COM/'])(
    'accepts %s',
    (url) => {
      expect(receiverUrlProblem(url)).toBeUndefined();
    },
  );

  it('never throws, whatever the text', () => {
    for (const text of ['https://%', 'https://[', 'https://]', 'https://a:b:c/', 'https://a@', 'https://\u{1F600}/', 'https://xn--/', 'https://0x/', 'https://[::ffff:1.2.3.4.5]/']) {
      expect(() => receiverUrlProblem(text)).not.toThrow();
    }
  });

  it('admits plain http only to allow-listed loopback when the local switch is on', () => {
    expect(receiverUrlProblem('http://127.0.0.1:9000/cb', localPolicy)).toBeUndefined();
    expect(receiverUrlProblem('http://localhost:9000/cb', localPolicy)).toBeUndefined();
    expect(receiverUrlProblem('http://[::1]:9000/cb', localPolicy)).toBeUndefined();
    expect(receiverUrlProblem('http://10.0.0.1/', localPolicy)).toBe('must be an https URL');
    expect(receiverUrlProblem('http://example.com/', localPolicy)).toBe('must be an https URL');
    // Loopback on the allow-list but without the switch (an operator's deployment): https only.
    expect(receiverUrlProblem('http://127.0.0.1/', receiverPolicy('127.0.0.0/8', undefined))).toBe('must be an https URL');
    // The switch without loopback on the allow-list admits nothing.
    expect(receiverUrlProblem('http://127.0.0.1/', receiverPolicy('', 'loopback'))).toBe('must be an https URL');
  });
});

describe('addressProblem (classification)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['fec0::1', 'site-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'reserved or documentation'],
    ['198.51.100.1', 'reserved or documentation'],
    ['203.0.113.1', 'reserved or documentation'],
    ['198.18.0.1', 'reserved or documentation'],
    ['192.0.0.8', 'reserved or documentation'],
    ['240.0.0.1', 'reserved or documentation'],
    ['2001:db8::1', 'reserved or documentation'],
    ['2001:2::1', 'benchmarking'],
    ['2001::1', 'Teredo'],
    ['100::1', 'special-purpose'],
    ['4000::1', 'reserved'],
    // IPv4 carried in IPv6: judged by the IPv4 address.
    ['::ffff:10.0.0.1', 'a form of 10.0.0.1, a private address'],
    ['::ffff:127.0.0.1', 'a form of 127.0.0.1, a loopback address'],
    ['::ffff:169.254.169.254', 'a form of 169.254.169.254, a link-local'],
    ['::10.0.0.1', 'a form of 10.0.0.1'],
    ['::ffff:0:10.0.0.1', 'a form of 10.0.0.1'],
    ['64:ff9b::10.0.0.1', 'a form of 10.0.0.1'],
    ['64:ff9b:1::a9fe:a9fe', 'a form of 169.254.169.254'],
    ['2002:a00:1::1', 'a form of 10.0.0.1'],
    ['2002:7f00:1::', 'a form of 127.0.0.1'],
    ['not-an-ip', 'not an IP address'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(addressProblem(address)).toContain(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    'admits public unicast %s',
    (address) => {
      expect(addressProblem(address)).toBeUndefined();
    },
  );

  it('admits what the operator allow-lists, and only that', () => {
    const policy = receiverPolicy('10.1.0.0/16, 192.168.5.7, fd12::/16', undefined);
    expect(addressProblem('10.1.2.3', policy)).toBeUndefined();
    expect(addressProblem('::ffff:10.1.2.3', policy)).toBeUndefined();
    expect(addressProblem('192.168.5.7', policy)).toBeUndefined();
    expect(addressProblem('fd12::9', policy)).toBeUndefined();
    expect(addressProblem('10.2.0.1', policy)).toContain('private');
    expect(addressProblem('192.168.5.8', policy)).toContain('private');
    expect(addressProblem('169.254.169.254', policy)).toContain('link-local');
  });
});

describe('receiverPolicy (operator allow-list)', () => {
  it('reads host names, addresses and networks', () => {
    const policy = receiverPolicy(' Hooks.Internal.Example. ,10.0.0.0/8,[fd00::5], ::1 ', 'loopback');
    expect([...policy.hosts]).toEqual(['hooks.internal.example']);
    expect(policy.networks.map(([network, bits]) => `${network.toString()}/${bits}`)).toEqual(['10.0.0.0/8', 'fd00::5/128', '::1/128']);
    expect(policy.allowLoopbackHttp).toBe(true);
    expect(receiverPolicy(undefined, undefined)).toEqual(emptyPolicy);
  });

  it('fails loudly on an entry it cannot read', () => {
    expect(() => receiverPolicy('10.0.0.0/33', undefined)).toThrow();
    expect(() => receiverPolicy('bad host!', undefined)).toThrow(/not a host name, IP address or CIDR/);
    expect(() => receiverPolicy('', 'yes')).toThrow(/must be "loopback"/);
  });
});

describe('checkReceiver (resolution)', () => {
  it('checks a literal IP without resolving', async () => {
    const { resolve, calls } = stubResolver({});
    await expect(checkReceiver('https://169.254.169.254/latest/meta-data/', resolve, emptyPolicy)).rejects.toThrow(ReceiverRefusedError);
    await expect(checkReceiver('https://[::ffff:10.0.0.1]/', resolve, emptyPolicy)).rejects.toMatchObject({ reason: expect.stringContaining('a form of 10.0.0.1') });
    await expect(checkReceiver('https://8.8.8.8/', resolve, emptyPolicy)).resolves.toMatchObject({ addresses: ['8.8.8.8'] });
    expect(calls).toEqual([]);
  });

  it('canonicalises numeric IPv4 spellings before classifying them', async () => {
    const { resolve, calls } = stubResolver({});
    for (const url of ['https://2130706433/', 'https://0x7f.1/', 'https://017700000001/', 'https://10.1/']) {
      await expect(checkReceiver(url, resolve, emptyPolicy)).rejects.toThrow(ReceiverRefusedError);
    }
    expect(calls).toEqual([]);
  });

  it('refuses a host if ANY of its addresses is refused', async () => {
    const { resolve } = stubResolver({ 'mixed.test': ['93.184.216.34', '10.0.0.7'], 'public.test': ['93.184.216.34', '2606:4700::1'] });
    await expect(checkReceiver('https://mixed.test/', resolve, emptyPolicy)).rejects.toMatchObject({
      reason: 'host mixed.test resolves to 10.0.0.7, a private address (RFC 1918)',
    });
    await expect(checkReceiver('https://public.test/', resolve, emptyPolicy)).resolves.toMatchObject({ addresses: ['93.184.216.34', '2606:4700::1'] });
  });

  it('refuses a host that does not resolve', async () => {
    const { resolve } = stubResolver({});
    await expect(checkReceiver('https://nowhere.test/', resolve, emptyPolicy)).rejects.toMatchObject({ reason: 'host nowhere.test does not resolve' });
  });

  it('refuses syntax before resolving anything', async () => {
    const { resolve, calls } = stubResolver({ 'example.com': ['93.184.216.34'] });
    for (const url of ['https://user:pass@example.com/', 'https://exa mple.com/', 'https://example.com:65536/', 'not a url']) {
      await expect(checkReceiver(url, resolve, emptyPolicy)).rejects.toThrow(ReceiverRefusedError);
    }
    expect(calls).toEqual([]);
  });

  it('sees DNS rebinding: a name checked as public at registration is refused when it later resolves privately', async () => {
    const { resolve } = stubResolver({ 'rebind.test': (call) => (call === 1 ? ['93.184.216.34'] : ['169.254.169.254']) });
    await expect(checkReceiver('https://rebind.test/', resolve, emptyPolicy)).resolves.toMatchObject({ addresses: ['93.184.216.34'] });
    await expect(checkReceiver('https://rebind.test/', resolve, emptyPolicy)).rejects.toMatchObject({ reason: expect.stringContaining('169.254.169.254, a link-local') });
  });

  it('admits an allow-listed host name whatever it resolves to, and allow-listed networks', async () => {
    const { resolve } = stubResolver({ 'hooks.internal': ['10.9.9.9'], 'hooks.internal.': ['10.9.9.9'], 'other.internal': ['10.9.9.9'], 'net.internal': ['192.168.7.1'] });
    const policy = receiverPolicy('hooks.internal,192.168.7.0/24', undefined);
    await expect(checkReceiver('https://hooks.internal/', resolve, policy)).resolves.toBeDefined();
    await expect(checkReceiver('https://HOOKS.internal./', resolve, policy)).resolves.toBeDefined();
    await expect(checkReceiver('https://net.internal/', resolve, policy)).resolves.toBeDefined();
    await expect(checkReceiver('https://other.internal/', resolve, policy)).rejects.toThrow(ReceiverRefusedError);
  });

  it('admits plain http locally only when every address is loopback', async () => {
    const { resolve } = stubResolver({ localhost: ['127.0.0.1', '::1'], 'sneaky.localhost': ['127.0.0.1', '10.0.0.1'] });
    await expect(checkReceiver('http://localhost:8080/cb', resolve, localPolicy)).resolves.toMatchObject({ addresses: ['127.0.0.1', '::1'] });
    await expect(checkReceiver('http://127.0.0.1:8080/cb', resolve, localPolicy)).resolves.toBeDefined();
    await expect(checkReceiver('http://sneaky.localhost/', resolve, localPolicy)).rejects.toThrow(ReceiverRefusedError);
    // Loopback is refused everywhere the local stack did not allow-list it.
    await expect(checkReceiver('https://127.0.0.1/', resolve, emptyPolicy)).rejects.toMatchObject({ reason: expect.stringContaining('loopback') });
    await expect(checkReceiver('https://localhost/', resolve, emptyPolicy)).rejects.toMatchObject({ reason: expect.stringContaining('loopback') });
  });
});

describe('ResolvingReceiverGuard (registration)', () => {
  it('turns a refusal into a 400 naming the field and the reason', async () => {
    const guard = new ResolvingReceiverGuard(stubResolver({}).resolve, emptyPolicy);
    const error = await guard.assertAllowed('https://10.0.0.1/', 'body.callbacks.onError').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).status).toBe(400);
    expect((error as ValidationError).invalidFields).toEqual([{ name: 'body.callbacks.onError', reason: '10.0.0.1 is a private address (RFC 1918)' }]);
  });

  it('lets other failures through untouched', async () => {
    const guard = new ResolvingReceiverGuard(async () => {
      throw new Error('resolver exploded');
    }, emptyPolicy);
    await expect(guard.assertAllowed('https://example.test/', 'body.webhookUrl')).rejects.toThrow('resolver exploded');
  });
});
