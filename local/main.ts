import { dataDir, projectRoot } from './data-dir.ts';
import { startLocalStack } from './local-stack.ts';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number, not ${process.env.PORT}`);
  process.exit(2);
}

// In AWS an unhandled rejection ends one Lambda invocation (Runtime.UnhandledPromiseRejection), not the service; here
// every function shares this process, so it is reported loudly and the stack keeps serving the others.
process.on('unhandledRejection', (reason) => {
  console.error('Unhandled rejection in a local function invocation (in AWS: Runtime.UnhandledPromiseRejection):', reason);
});

try {
  const stack = await startLocalStack({ projectRoot, dataDir: dataDir(), port });
  console.log(`Process-mining API listening on ${stack.url}`);
  console.log(`Local data in ${dataDir()} (npm run reset clears it). Ctrl-C stops.`);
  let stoppingSince: number | undefined;
  const shutdown = async () => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C can arrive twice (from the terminal, and relayed by tsx when this process is slow to answer it).
      if (Date.now() - stoppingSince < 1_000) return;
      // The queues are also saved every 2 s while running, so quitting now loses at most that much.
      console.log('Quitting without a clean stop.');
      process.exit(130);
    }
    stoppingSince = Date.now();
    console.log('Stopping: saving queued messages (Ctrl-C again quits at once)...');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
} catch (error) {
  console.error(`Could not start the local stack: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
