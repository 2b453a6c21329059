'use strict';
/**
 * `node lifeline.js <graceMs> <command> [args...]`: runs the command in this process group (which
 * ManagedChild makes its own) and ends the group when the parent goes away. Its stdin is a pipe
 * from the parent, so end-of-file there means the parent is gone, however it died — even by
 * SIGKILL, when no exit handler of the parent runs. The command's exit code or signal becomes
 * this process's own, so the parent sees the command's exit.
 */
const { spawn } = require('node:child_process');

const [graceArg, command, ...args] = process.argv.slice(2);
const graceMs = Number(graceArg);

// A stop signals the whole group: the command gets it directly; this process waits to mirror its exit.
const relayed = ['SIGTERM', 'SIGINT', 'SIGHUP'];
for (const signal of relayed) process.on(signal, () => {});

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.once('error', (error) => {
  process.stderr.write(`lifeline: could not start ${command}: ${error.message}\n`);
  process.exit(127);
});
child.once('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});

const endGroup = () => {
  try {
    process.kill(-process.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  setTimeout(() => {
    try {
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, graceMs).unref();
};
process.stdin.on('data', () => {});
process.stdin.once('end', endGroup);
process.stdin.once('error', endGroup);
