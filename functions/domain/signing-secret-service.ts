import { ConflictError } from './errors.ts';
import type { Clock, SigningSecretStore } from './ports.ts';
import type { ProjectScope, SigningSecretRecord } from './records.ts';
import { generateSecret, previousSecretGraceSeconds, validSecrets } from './standard-webhooks.ts';

/**
 * The project's secret for signing operation callbacks (which have no registration to carry one). It is created on
 * first use, never shown except by a rotation, which returns the new one once; the replaced one keeps signing for a
 * grace period, so a receiver can switch without refusing deliveries.
 */
export class SigningSecretService {
  constructor(
    private readonly store: SigningSecretStore,
    private readonly clock: Clock,
  ) {}

  /** The secrets that sign a callback now, current first. */
  async signingSecrets(scope: ProjectScope): Promise<string[]> {
    const record = (await this.store.get(scope)) ?? (await this.store.createIfAbsent(this.fresh(scope)));
    return validSecrets(record.secret, record.previousSecrets, this.clock.now());
  }

  /** Metadata only: the secret itself is never read back. */
  async describe(scope: ProjectScope) {
    const record = await this.store.get(scope);
    const now = this.clock.now();
    return {
      exists: record !== undefined,
      format: 'whsec',
      createdAt: record?.createdAt ?? null,
      rotatedAt: record?.rotatedAt ?? null,
      previousSecretsValidUntil: (record?.previousSecrets ?? []).filter((p) => Date.parse(p.expiresAt) > now.getTime()).map((p) => p.expiresAt),
    };
  }

  /** A new secret, returned once; the current one (if any) stays valid for the grace period. */
  async rotate(scope: ProjectScope) {
    const now = this.clock.now();
    const current = await this.store.get(scope);
    const expiresAt = new Date(now.getTime() + previousSecretGraceSeconds * 1000).toISOString();
    const previousSecrets = [
      ...(current ? [{ secret: current.secret, expiresAt }] : []),
      ...(current?.previousSecrets ?? []).filter((p) => Date.parse(p.expiresAt) > now.getTime()),
    ];
    const record: SigningSecretRecord = {
      ...this.fresh(scope),
      ...(current ? { createdAt: current.createdAt } : {}),
      rotatedAt: now.toISOString(),
      ...(previousSecrets.length ? { previousSecrets } : {}),
    };
    if (!(await this.store.replace(record, current?.secret))) throw new ConflictError('The signing secret was rotated concurrently; try again');
    return {
      secret: record.secret,
      createdAt: record.createdAt,
      rotatedAt: record.rotatedAt,
      previousSecretsValidUntil: previousSecrets.map((p) => p.expiresAt),
    };
  }

  private fresh(scope: ProjectScope): SigningSecretRecord {
    return { tenantId: scope.tenantId, projectId: scope.projectId, secret: generateSecret(), createdAt: this.clock.now().toISOString() };
  }
}
