import type { Progress } from '../../src/cli/progress';

/** A Progress that keeps what `pnpm start` would print, one entry per stage line (`name: message`). */
export function recordingProgress(): Progress & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    stage: (name, message) => lines.push(`${name}: ${message}`),
    epoch: () => {},
    line: (text) => lines.push(text),
  };
}
