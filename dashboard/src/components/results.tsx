import { useEffect, useState } from 'preact/hooks';
import type { Artifact, OperationResults } from '../../../client/types.ts';
import { fetchArtifact } from '../api.ts';
import { parseCsv } from '../csv.ts';
import { bytes, message } from '../format.ts';
import { ProcessMap } from './process-map.tsx';

/** The object's own file name, from the presigned URL's path. */
const fileName = (artifact: Artifact) =>
  decodeURIComponent(new URL(artifact.downloadUrl).pathname.split('/').at(-1) || `${artifact.name}.${artifact.format.toLowerCase()}`);

/** Saves through a blob URL: a cross-origin link's `download` attribute is ignored, so the file would open instead. */
async function download(artifact: Artifact) {
  const url = URL.createObjectURL(await fetchArtifact(artifact.downloadUrl));
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName(artifact) });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Anomalies({ csv }: { csv?: Artifact }) {
  const [rows, setRows] = useState<string[][]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!csv) return;
    fetchArtifact(csv.downloadUrl)
      .then((b) => b.text())
      .then((text) => setRows(parseCsv(text).filter((r) => r.some(Boolean))))
      .catch((e: unknown) => setError(message(e)));
  }, [csv?.downloadUrl]);
  if (!csv) return <p class="muted">No anomalies file among the artifacts.</p>;
  if (error) return <p class="error">{error}</p>;
  if (!rows) return <p class="muted">Loading…</p>;
  const [header = [], ...body] = rows;
  const shown = body.slice(0, 200);
  return (
    <div class="table-wrap">
      <p class="muted">
        {body.length} anomalous cases{body.length > shown.length ? `, the first ${shown.length} shown (the CSV has them all)` : ''}
      </p>
      <table data-testid="anomalies">
        <thead>
          <tr>
            {header.map((h) => (
              <th>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr>
              {r.map((cell) => (
                <td>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface Recommendation {
  recommendation: string;
  expectedImprovement?: string;
  category?: string;
  priority?: string;
}

export function Results({ results }: { results: OperationResults }) {
  const [error, setError] = useState<string>();
  const artifacts = results.artifacts ?? [];
  const maps = artifacts.filter((a) => a.format === 'SVG' && /process map/i.test(`${a.name} ${a.description ?? ''}`));
  const summary = Object.entries(results.summary).filter(([, v]) => typeof v === 'number' || typeof v === 'string');
  return (
    <div>
      <section>
        <h3>Summary</h3>
        <dl class="summary">
          {summary.map(([k, v]) => (
            <>
              <dt>{k}</dt>
              <dd>{String(v)}</dd>
            </>
          ))}
        </dl>
      </section>
      <section>
        <h3>Process map</h3>
        <ProcessMap maps={maps} />
      </section>
      <section>
        <h3>Recommendations</h3>
        <ul class="recommendations" data-testid="recommendations">
          {(results.recommendations as Recommendation[]).map((r) => (
            <li>
              <b>{r.recommendation}</b> {r.priority && <span class="badge">{r.priority}</span>} {r.category && <span class="muted">{r.category}</span>}
              {r.expectedImprovement && <div class="muted">{r.expectedImprovement}</div>}
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h3>Anomalies</h3>
        <Anomalies csv={artifacts.find((a) => a.format === 'CSV')} />
      </section>
      <section>
        <h3>Artifacts</h3>
        {error && <p class="error">{error}</p>}
        <table data-testid="artifacts">
          <tbody>
            {artifacts.map((a) => (
              <tr>
                <td>{a.name}</td>
                <td>{a.format}</td>
                <td>{bytes(a.sizeBytes)}</td>
                <td>
                  <button type="button" data-format={a.format} onClick={() => download(a).catch((e: unknown) => setError(message(e)))}>
                    Download {a.format}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
