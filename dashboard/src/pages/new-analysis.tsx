import { useState } from 'preact/hooks';
import type { DashboardApi } from '../api.ts';
import { ProgressBar } from '../components/progress-bar.tsx';
import { message, priorities } from '../format.ts';
import { hrefOf } from '../router.ts';

const formats = ['csv.gz', 'xes.gz', 'csv', 'xes'] as const;
const formatOf = (name: string) => formats.find((f) => name.toLowerCase().endsWith(`.${f}`));

/** Uploads an event log straight to storage (presigned URL), then starts a ProcessMiningAnalysis on it. */
export function NewAnalysisPage({ api }: { api: DashboardApi }) {
  const [file, setFile] = useState<File>();
  const [name, setName] = useState('');
  const [priority, setPriority] = useState<(typeof priorities)[number]>('Normal');
  const [sent, setSent] = useState<number>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    const format = formatOf(file.name);
    if (!format) return setError('Name the file .csv, .csv.gz, .xes or .xes.gz.');
    setBusy(true);
    setError(undefined);
    try {
      const dataset = await api.uploadDataset(file, format, (loaded, total) => setSent((100 * loaded) / total));
      const { operationId } = await api.startAnalysis({
        operationType: 'ProcessMiningAnalysis',
        operationName: name || file.name,
        priority,
        parameters: { datasetId: dataset.datasetId },
      } as Parameters<DashboardApi['startAnalysis']>[0]);
      location.hash = hrefOf({ page: 'operation', operationId });
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={(e) => void submit(e)}>
      <h2>New analysis</h2>
      <label>
        Event log (CSV or XES, optionally gzipped)
        <input type="file" name="file" accept=".csv,.xes,.gz" required onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0])} />
      </label>
      <label>
        Name <input name="operationName" value={name} placeholder={file?.name ?? ''} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label>
        Priority{' '}
        <select value={priority} onChange={(e) => setPriority((e.currentTarget as HTMLSelectElement).value as typeof priority)}>
          {priorities.map((p) => (
            <option value={p}>{p}</option>
          ))}
        </select>
      </label>
      {sent !== undefined && <ProgressBar label="Upload" value={sent} />}
      {error && <p class="error">{error}</p>}
      <button type="submit" disabled={busy || !file}>
        {busy ? 'Uploading…' : 'Upload and analyse'}
      </button>
    </form>
  );
}
