import { useEffect, useRef, useState } from 'preact/hooks';
import type { LogEntry } from '../../../client/types.ts';
import type { DashboardApi, LogLevel } from '../api.ts';
import { message } from '../format.ts';

/** The job's log with a level filter; "follow" re-reads it every 2 s and keeps the newest line in view. */
export function Logs({ api, jobId, running }: { api: DashboardApi; jobId: string; running: boolean }) {
  const [level, setLevel] = useState<LogLevel | ''>('');
  const [follow, setFollow] = useState(true);
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [error, setError] = useState<string>();
  const list = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const logs = await api.logs(jobId, level || undefined);
        if (stopped) return;
        setEntries(logs.logs);
        setError(undefined);
      } catch (e) {
        if (!stopped) setError(message(e));
      }
      if (!stopped && follow && running) timer = setTimeout(() => void read(), 2_000);
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [jobId, level, follow, running]);

  useEffect(() => {
    if (follow && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [entries, follow]);

  return (
    <div>
      <div class="toolbar">
        <label>
          Level{' '}
          <select value={level} onChange={(e) => setLevel((e.currentTarget as HTMLSelectElement).value as LogLevel | '')} aria-label="Log level">
            <option value="">all</option>
            {(['DEBUG', 'INFO', 'WARN', 'ERROR'] as const).map((l) => (
              <option value={l}>{l} and above</option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow((e.currentTarget as HTMLInputElement).checked)} /> Follow
        </label>
        <span class="muted">{entries.length} entries</span>
      </div>
      {error && <p class="error">{error}</p>}
      <div class="logs" ref={list} data-testid="logs">
        {entries.map((entry) => (
          <div class={`log level-${entry.level.toLowerCase()}`}>
            <time>{entry.timestamp.slice(11, 23)}</time> <b>{entry.level}</b> <span class="muted">{entry.component}</span> {entry.message}
          </div>
        ))}
      </div>
    </div>
  );
}
