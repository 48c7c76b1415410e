import { useEffect, useMemo, useState } from 'preact/hooks';
import { isTerminal, type JobTimeline, type OperationResults } from '../../../client/types.ts';
import type { DashboardApi } from '../api.ts';
import { Logs } from '../components/logs.tsx';
import { Metrics } from '../components/metrics.tsx';
import { ProgressBar, StatusBadge } from '../components/progress-bar.tsx';
import { Results } from '../components/results.tsx';
import { message, when } from '../format.ts';
import { liveSource, type OperationSnapshot } from '../live.ts';

/** One operation: live per-phase progress, timeline, logs, metrics and, once it has ended, its results. */
export function OperationPage({ api, operationId }: { api: DashboardApi; operationId: string }) {
  const [snapshot, setSnapshot] = useState<OperationSnapshot>();
  const [updates, setUpdates] = useState(0);
  const [error, setError] = useState<string>();
  const [timeline, setTimeline] = useState<JobTimeline>();
  const [results, setResults] = useState<OperationResults>();
  const source = useMemo(() => liveSource(api), [api]);

  useEffect(() => {
    setSnapshot(undefined);
    setResults(undefined);
    return source.watchOperation(
      operationId,
      (next) => (setSnapshot(next), setUpdates((n) => n + 1), setError(undefined)),
      (e) => setError(message(e)),
    );
  }, [operationId, source]);

  const operation = snapshot?.operation;
  const jobId = operation ? (typeof operation.jobId === 'string' ? operation.jobId : operation.execution?.executionId) : undefined;
  const ended = operation ? isTerminal(operation.status) : false;
  useEffect(() => {
    if (jobId)
      api
        .timeline(jobId)
        .then(setTimeline)
        .catch(() => undefined);
  }, [jobId, updates]);
  useEffect(() => {
    if (ended && !results)
      api
        .results(operationId)
        .then(setResults)
        .catch((e: unknown) => setError(message(e)));
  }, [ended, operationId]);

  if (!operation) return <p class="muted">{error ?? 'Loading…'}</p>;
  const stages = snapshot?.progress?.stages ?? [];
  return (
    <div>
      <h2>
        {operation.operationName ?? operation.operationId} <StatusBadge status={operation.status} />
      </h2>
      <p class="muted">
        {operation.operationType} · {operation.operationId} · job {jobId} · created {when(operation.dateCreated)}
        {!ended && (
          <>
            {' '}
            ·{' '}
            <button type="button" onClick={() => api.cancelOperation(operationId).catch((e: unknown) => setError(message(e)))}>
              Cancel
            </button>
          </>
        )}
      </p>
      {error && <p class="error">{error}</p>}
      <section data-testid="phase-progress">
        <h3>Progress</h3>
        <ProgressBar label="Overall" value={operation.progress?.percentage ?? 0} status={operation.status} />
        {stages.map((stage) => (
          <ProgressBar label={stage.stageName} value={stage.progress} status={stage.status} />
        ))}
        <p class="muted">
          Elapsed {operation.progress?.elapsedTime ?? '—'}
          {operation.progress?.estimatedRemaining ? ` · about ${operation.progress.estimatedRemaining} left` : ''}
        </p>
      </section>
      {results && (
        <section data-testid="results">
          <h3>Results</h3>
          <Results results={results} />
        </section>
      )}
      {jobId && (
        <>
          <section>
            <h3>Metrics</h3>
            <Metrics api={api} jobId={jobId} tick={updates} />
          </section>
          <section>
            <h3>Timeline</h3>
            <ol class="timeline" data-testid="timeline">
              {(timeline?.timeline ?? []).map((event) => (
                <li>
                  <time>{when(event.exactTimestamp ?? event.timestamp)}</time> <b>{event.eventType}</b> {event.description}
                </li>
              ))}
              {(timeline?.upcomingEvents ?? []).map((event) => (
                <li class="muted">
                  <time>{event.estimatedTime ? when(event.estimatedTime) : 'later'}</time> <b>{event.eventType}</b> {event.description}
                </li>
              ))}
            </ol>
          </section>
          <section>
            <h3>Logs</h3>
            <Logs api={api} jobId={jobId} running={!ended} />
          </section>
        </>
      )}
    </div>
  );
}
