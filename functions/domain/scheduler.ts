import type { BatchService } from './batch-service.ts';
import type { OperationService } from './operation-service.ts';
import type { OperationStore } from './ports.ts';
import type { ProjectScope } from './records.ts';
import { telemetry } from './telemetry.ts';

/** What happens when an operation ends: its batch moves on, and its slot goes to the next waiting operation. */
export class Scheduler {
  constructor(
    private readonly operations: OperationStore,
    private readonly batches: BatchService,
    private readonly operationService: OperationService,
  ) {}

  async operationEnded(scope: ProjectScope, operationId: string): Promise<void> {
    const operation = await this.operations.get(scope, operationId);
    if (operation?.batch) await this.batches.advance(scope, operation.batch.batchId);
    if (operation?.retry?.discardOriginalResults) {
      // Queued operations must still start when the deletion fails; it is logged for someone to finish.
      await this.operationService.discardOriginalResults(operation).catch((error: unknown) => {
        telemetry.log('ERROR', "Could not delete a retried operation's original results", { operationId, error: error instanceof Error ? error.message : String(error) });
      });
    }
    await this.operationService.admitQueued(scope);
  }
}
