import { useState } from 'preact/hooks';
import type { DashboardApi } from '../api.ts';
import { ProgressBar, StatusBadge } from '../components/progress-bar.tsx';
import { operationTypes, priorities, statuses, when } from '../format.ts';
import { usePollWhileRunning } from '../poll.ts';
import { hrefOf } from '../router.ts';

type Filters = { status: string; operationType: string; priority: string };

/** The project's operations, newest first, with filters; refreshed every 2 s while any of them has not ended. */
export function OperationsPage({ api }: { api: DashboardApi }) {
  const [filters, setFilters] = useState<Filters>({ status: '', operationType: '', priority: '' });
  const { value: list, error } = usePollWhileRunning(
    () => {
      const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as Parameters<DashboardApi['listOperations']>[0];
      return api.listOperations({ ...query, pageSize: 50 });
    },
    (page) => page.operations,
    [filters, api],
  );

  const select = (name: keyof Filters, options: readonly string[]) => (
    <label>
      {name}{' '}
      <select aria-label={name} value={filters[name]} onChange={(e) => setFilters({ ...filters, [name]: (e.currentTarget as HTMLSelectElement).value })}>
        <option value="">any</option>
        {options.map((o) => (
          <option value={o}>{o}</option>
        ))}
      </select>
    </label>
  );

  return (
    <div>
      <h2>Operations</h2>
      <div class="toolbar">
        {select('status', statuses)}
        {select('operationType', operationTypes)}
        {select('priority', priorities)}
        {list?.summary && (
          <span class="muted">
            {Object.entries(list.summary)
              .filter(([, count]) => typeof count === 'number')
              .map(([name, count]) => `${name} ${count}`)
              .join(' · ')}
          </span>
        )}
      </div>
      {error && <p class="error">{error}</p>}
      <table data-testid="operations">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Priority</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {(list?.operations ?? []).map((op) => (
            <tr data-operation-id={op.operationId}>
              <td>
                <a href={hrefOf({ page: 'operation', operationId: op.operationId })}>{op.operationName ?? op.operationId}</a>
              </td>
              <td>{op.operationType}</td>
              <td>
                <StatusBadge status={op.status} />
              </td>
              <td>
                <ProgressBar
                  label={`${op.operationName ?? op.operationId} progress`}
                  value={typeof op.progress === 'number' ? op.progress : 0}
                  status={op.status}
                />
              </td>
              <td>{op.priority}</td>
              <td>{when(op.dateCreated)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list && list.operations.length === 0 && <p class="muted">No operations match.</p>}
    </div>
  );
}
