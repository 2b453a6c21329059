/**
 * `pnpm metrics [--data-dir DIR] [--json]`: the metrics the local functions emitted (their EMF
 * lines, kept by `pnpm start` in <data>/metrics/emf.jsonl), in one line, or as JSON totals.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MetricsFile, summaryLine, totals } from '../functions';
import { metricsFilePath, REPO_ROOT } from '../local-cloud';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: join(REPO_ROOT, '.local') },
    json: { type: 'boolean', default: false },
  },
  strict: true,
});
const records = new MetricsFile(metricsFilePath(values['data-dir']!)).read();
process.stdout.write(
  values.json ? `${JSON.stringify(Object.fromEntries(totals(records)), null, 2)}\n` : `${summaryLine(records)}\n`,
);
