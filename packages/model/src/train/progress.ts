/**
 * Batch progress on stderr: a redrawn bar on a terminal; elsewhere (a container's log, the local
 * SageMaker) a plain `progress: epoch 2/5 40% (188/469 batches) loss 0.0712` line every 10%, which
 * log readers can render live and which no metric regex (`epoch=…`) captures.
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastTenth = -1;
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  update(label: string, done: number, total: number, detail: string): void {
    if (!this.tty) {
      const tenth = Math.floor((10 * done) / total);
      if (tenth === this.lastTenth || tenth === 10) return;
      this.lastTenth = tenth;
      if (tenth > 0) this.stream.write(`progress: ${label} ${tenth * 10}% (${done}/${total} batches) ${detail}\n`);
      return;
    }
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((width * done) / total);
    this.stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${detail}\x1b[K`,
    );
  }

  clear(): void {
    this.lastTenth = -1;
    if (this.tty) this.stream.write('\r\x1b[K');
  }
}
