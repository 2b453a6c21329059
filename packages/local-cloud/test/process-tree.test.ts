import { spawn } from 'node:child_process';
import { cpuMs, descendants } from './process-tree';

/** The /proc reader the start-up tests and `bench:e2e` rely on (Linux). */
describe('process tree', () => {
  it("reads a child's CPU time, which grows while it computes and not while it sleeps", async () => {
    // Computes for 400 ms of its own CPU time (however busy the machine), then sleeps.
    const child = spawn(process.execPath, [
      '-e',
      'while (process.cpuUsage().user < 400_000); process.stdout.write("done"); setTimeout(() => undefined, 30_000);',
    ]);
    try {
      expect(descendants(process.pid)).toContain(child.pid);
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const after = cpuMs(child.pid!)!;
      expect(after).toBeGreaterThanOrEqual(350); // whole 10 ms ticks, counted apart from getrusage
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(cpuMs(child.pid!)! - after).toBeLessThan(100);
    } finally {
      child.kill();
    }
  });

  it('has no CPU time for a process that does not exist', () => {
    expect(cpuMs(2 ** 22 + 1)).toBeUndefined();
  });
});
