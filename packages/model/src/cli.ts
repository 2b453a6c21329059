/**
 * The container's command line: SageMaker runs the image as `docker run IMAGE train` or
 * `docker run IMAGE serve` (bin/entrypoint → dist/cli.js, this file bundled).
 */
export const USAGE = `usage: entrypoint <command>
  train   train on <ML root>/input, write <ML root>/model (or <ML root>/output/failure and exit 1)
  serve   answer GET /ping and POST /invocations for <ML root>/model
<ML root> is $DIGITS_ML_ROOT, else /opt/ml. serve listens on $SAGEMAKER_BIND_TO_PORT (8080)
at $DIGITS_SERVE_HOST (127.0.0.1; the image sets 0.0.0.0).`;

export async function cliMain(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (rest.length === 0 && command === 'train') {
    // exit explicitly: the threaded wasm backend keeps worker threads alive after training
    const { trainMain } = await import('./train'); // loaded on demand: tfjs takes ~1 s to load
    process.exit(await trainMain());
  }
  if (rest.length === 0 && command === 'serve') {
    const { serveMain } = await import('./serve');
    await serveMain();
    return;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  process.stderr.write(
    `${command === undefined ? 'no command given' : `unknown command: ${args.join(' ')}`}\n${USAGE}\n`,
  );
  process.exit(2);
}

if (require.main === module) {
  cliMain(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
