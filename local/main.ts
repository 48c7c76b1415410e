import { dataDir, projectRoot } from './data-dir.ts';
import { startLocalStack } from './local-stack.ts';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number, not ${process.env.PORT}`);
  process.exit(2);
}

try {
  const stack = await startLocalStack({ projectRoot, dataDir: dataDir(), port });
  console.log(`Process-mining API listening on ${stack.url}`);
  console.log(`Local data in ${dataDir()} (npm run reset clears it). Ctrl-C stops.`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
} catch (error) {
  console.error(`Could not start the local stack: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
