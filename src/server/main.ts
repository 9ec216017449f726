/**
 * `npm run server -- [options]`: runs the reference server until SIGINT or
 * SIGTERM. Prints exactly one line on stdout, `listening on <REST base>`, once
 * ready (scripts and tests wait for it); request logs go to stderr.
 */
import { startReferenceServer } from './referenceServer';
import { USAGE, parseServerArgs } from './serverArgs';

async function main(): Promise<void> {
  const parsed = parseServerArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`${parsed.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const server = await startReferenceServer({
    ...parsed.options,
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  process.stdout.write(`listening on ${server.url}\n`);
  if (server.socketIoUrl !== undefined) process.stderr.write(`Socket.IO (${String(parsed.options.dialect)}) at ${server.socketIoUrl}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: closing\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`server failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
