/**
 * What `pnpm start` shows while the pipeline runs: one line per stage with its elapsed time, and
 * the training job's epochs as a progress bar (redrawn in place on a terminal).
 */
export interface Progress {
  stage(name: string, message: string): void;
  epoch(job: string, epoch: number, epochs: number | undefined, metrics: Record<string, number>): void;
  line(text: string): void;
}

export function createProgress(out: NodeJS.WriteStream = process.stdout, started = Date.now()): Progress {
  const tty = Boolean(out.isTTY);
  let barShown = false;
  const elapsed = () => `[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s]`;
  const clearBar = () => {
    if (tty && barShown) out.write('\r\x1b[2K');
    barShown = false;
  };
  return {
    stage(name, message) {
      clearBar();
      out.write(`${elapsed()} ${name.padEnd(10)} ${message}\n`);
    },
    epoch(job, epoch, epochs, metrics) {
      const shown = Object.entries(metrics)
        .filter(([k, v]) => k !== 'epoch' && Number.isFinite(v))
        .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
        .join(' ');
      const width = 20;
      const filled = epochs ? Math.round((Math.min(epoch, epochs) / epochs) * width) : 0;
      const shownEpoch = Number.isInteger(epoch) ? String(epoch) : epoch.toFixed(1);
      const bar = epochs
        ? `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] epoch ${shownEpoch}/${epochs}`
        : `epoch ${shownEpoch}`;
      const text = `${elapsed()} ${'training'.padEnd(10)} ${job} ${bar} ${shown}`;
      if (tty) {
        out.write(`\r\x1b[2K${text}`);
        barShown = true;
        if (epochs && epoch >= epochs) {
          clearBar();
          out.write(`${text}\n`);
        }
      } else if (Number.isInteger(epoch)) {
        // Without a terminal, only whole epochs: a log file needs no redraws.
        out.write(`${text}\n`);
      }
    },
    line(text) {
      clearBar();
      out.write(`${text}\n`);
    },
  };
}

/** The trainer's batch progress (`progress: epoch 2/5 40% (188/469 batches) loss 0.0712`). */
export function parseProgressLine(
  line: string,
): { epoch: number; epochs: number; fraction: number; loss?: number } | undefined {
  const m = /^progress: epoch (\d+)\/(\d+) (\d+)%.*?(?:loss ([0-9.]+))?$/.exec(line.trim());
  if (!m) return undefined;
  return {
    epoch: Number(m[1]),
    epochs: Number(m[2]),
    fraction: Number(m[3]) / 100,
    ...(m[4] ? { loss: Number(m[4]) } : {}),
  };
}

/** Metrics from one trainer line (`epoch=3 train_loss=0.041 test_accuracy=0.9912`), undefined if none. */
export function parseMetricLine(line: string): Record<string, number> | undefined {
  const metrics: Record<string, number> = {};
  for (const [, k, v] of line.matchAll(/\b([a-z_]+)=(-?[0-9.]+(?:e[-+]?\d+)?)\b/gi)) metrics[k!] = Number(v);
  return 'epoch' in metrics ? metrics : undefined;
}
