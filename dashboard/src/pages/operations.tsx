import { useEffect, useState } from 'preact/hooks';
import { isTerminal, type OperationList } from '../../../client/types.ts';
import type { DashboardApi } from '../api.ts';
import { ProgressBar, StatusBadge } from '../components/progress-bar.tsx';
import { message, operationTypes, priorities, statuses, when } from '../format.ts';
import { hrefOf } from '../router.ts';

type Filters = { status: string; operationType: string; priority: string };

/** The project's operations, newest first, with filters; refreshed every 2 s while any of them has not ended. */
export function OperationsPage({ api }: { api: DashboardApi }) {
  const [filters, setFilters] = useState<Filters>({ status: '', operationType: '', priority: '' });
  const [list, setList] = useState<OperationList>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as Parameters<DashboardApi['listOperations']>[0];
        const page = await api.listOperations({ ...query, pageSize: 50 });
        if (stopped) return;
        setList(page);
        setError(undefined);
        if (page.operations.some((op) => !isTerminal(op.status))) timer = setTimeout(() => void read(), 2_000);
      } catch (e) {
        if (!stopped) setError(message(e));
      }
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [filters, api]);

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
