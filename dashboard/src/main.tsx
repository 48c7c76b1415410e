import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { DashboardApi, unauthorizedEvent } from './api.ts';
import { finishHostedSignIn, forgetToken, hostedSignOut, startHostedSignIn, storedToken, storeToken, tokenProblem } from './auth.ts';
import { apiBaseUrl, readConfig } from './config.ts';
import { message } from './format.ts';
import { BatchPage } from './pages/batch.tsx';
import { NewAnalysisPage } from './pages/new-analysis.tsx';
import { OperationPage } from './pages/operation.tsx';
import { OperationsPage } from './pages/operations.tsx';
import { hrefOf, useRoute } from './router.ts';
import './styles.css';

const config = readConfig();

function SignIn({ onToken, error }: { onToken: (token: string) => void; error?: string }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string>();
  const submit = (event: Event) => {
    event.preventDefault();
    const found = tokenProblem(token);
    if (found) return setProblem(found);
    onToken(token.trim());
  };
  return (
    <div class="card signin">
      <h2>Sign in</h2>
      {config.cognito && (
        <p>
          <button type="button" onClick={() => void startHostedSignIn(config.cognito!)}>
            Sign in with Cognito
          </button>
        </p>
      )}
      <form onSubmit={submit}>
        <label>
          Bearer token
          <textarea name="token" rows={4} value={token} onInput={(e) => setToken((e.currentTarget as HTMLTextAreaElement).value)} placeholder="eyJ…" />
        </label>
        <p class="muted">
          Locally: <code>npm run --silent token -- --tenant &lt;uuid&gt; --project &lt;uuid&gt;</code> prints one.
        </p>
        {(problem ?? error) && <p class="error">{problem ?? error}</p>}
        <button type="submit">Use this token</button>
      </form>
    </div>
  );
}

function BatchJump() {
  const [id, setId] = useState('');
  return (
    <form class="inline" onSubmit={(e) => (e.preventDefault(), id && (location.hash = hrefOf({ page: 'batch', batchId: id.trim() })))}>
      <input aria-label="Batch id" placeholder="batch id" value={id} onInput={(e) => setId((e.currentTarget as HTMLInputElement).value)} />
      <button type="submit">Open batch</button>
    </form>
  );
}

function App() {
  const [token, setToken] = useState(storedToken);
  const [error, setError] = useState<string>();
  const [projectId, setProjectId] = useState<string>();
  const route = useRoute();

  useEffect(() => {
    if (config.cognito)
      finishHostedSignIn(config.cognito)
        .then((t) => t && setToken(t))
        .catch((e: unknown) => setError(message(e)));
  }, []);

  useEffect(() => {
    const expired = () => (forgetToken(), setToken(undefined), setError('The API refused the token (expired or revoked): sign in again.'));
    addEventListener(unauthorizedEvent, expired);
    return () => removeEventListener(unauthorizedEvent, expired);
  }, []);

  const api = useMemo(() => (token && !tokenProblem(token) ? new DashboardApi(apiBaseUrl(), token, projectId) : undefined), [token, projectId]);
  const signOut = () => {
    forgetToken();
    setToken(undefined);
    if (config.cognito) hostedSignOut(config.cognito);
  };

  return (
    <>
      <header>
        <h1>
          <a href="#/">Process-mining jobs</a>
        </h1>
        {api && (
          <nav>
            <a href="#/">Operations</a>
            <a href="#/new">New analysis</a>
            <BatchJump />
            {api.projects.length > 1 && (
              <select aria-label="Project" value={api.projectId} onChange={(e) => setProjectId((e.currentTarget as HTMLSelectElement).value)}>
                {api.projects.map((p) => (
                  <option value={p}>{p}</option>
                ))}
              </select>
            )}
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main>
        {!api ? (
          <SignIn onToken={(t) => (storeToken(t), setError(undefined), setToken(t))} error={error ?? (token ? tokenProblem(token) : undefined)} />
        ) : route.page === 'operation' ? (
          <OperationPage api={api} operationId={route.operationId} />
        ) : route.page === 'batch' ? (
          <BatchPage api={api} batchId={route.batchId} />
        ) : route.page === 'new' ? (
          <NewAnalysisPage api={api} />
        ) : (
          <OperationsPage api={api} />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
