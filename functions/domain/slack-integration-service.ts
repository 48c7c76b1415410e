import { NotFoundError } from './errors.ts';
import type { SlackIntegrationRecord, SlackIntegrationStore } from './notifications.ts';
import type { Clock } from './ports.ts';
import type { ReceiverGuard } from './receiver-guard.ts';
import type { ProjectScope } from './records.ts';
import type { SlackIntegrationBody } from '../schemas/integration.ts';

/** The URL is the credential (its path is Slack's secret): the API shows the host, so a caller can tell which workspace service it goes to. */
function view(record: SlackIntegrationRecord) {
  return { projectId: record.projectId, configured: true as const, webhookHost: new URL(record.webhookUrl).host, createdAt: record.createdAt, updatedAt: record.updatedAt };
}

/** One Slack incoming webhook per project, where `notifications.slack` of the project's operations is posted. */
export class SlackIntegrationService {
  constructor(
    private readonly store: SlackIntegrationStore,
    private readonly receivers: ReceiverGuard,
    private readonly clock: Clock,
  ) {}

  /** Registers or replaces it; the URL is checked by the receiver guard first, as a webhook's is. */
  async register(scope: ProjectScope, body: SlackIntegrationBody) {
    await this.receivers.assertAllowed(body.webhookUrl, 'body.webhookUrl');
    const now = this.clock.now().toISOString();
    const existing = await this.store.get(scope);
    const record: SlackIntegrationRecord = { tenantId: scope.tenantId, projectId: scope.projectId, webhookUrl: body.webhookUrl, createdAt: existing?.createdAt ?? now, updatedAt: now };
    await this.store.put(record);
    return view(record);
  }

  async describe(scope: ProjectScope) {
    const record = await this.store.get(scope);
    if (!record) throw new NotFoundError('The project has no Slack integration');
    return view(record);
  }

  /** Messages already queued for it are not posted: the deliverer reads the integration when it sends. */
  async remove(scope: ProjectScope): Promise<void> {
    if (!(await this.store.delete(scope))) throw new NotFoundError('The project has no Slack integration');
  }
}
