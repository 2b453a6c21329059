/**
 * The offline stand-in for CloudWatch's embedded-metric-format ingestion: every EMF line a
 * function prints (Powertools Metrics) is appended, with the function's name, to one JSON-lines
 * file under the data folder, so a run's metrics can be read back (`pnpm start` prints a one-line
 * summary on SIGUSR2, `pnpm metrics` reads the file).
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface MetricRecord {
  function: string;
  /** The EMF document as the function printed it. */
  emf: EmfDocument;
}

export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit?: string }>;
    }>;
  };
  [key: string]: unknown;
}

/** The EMF document of a log line, or undefined for any other line. */
export function emfOf(line: string): EmfDocument | undefined {
  if (!line.startsWith('{') || !line.includes('"CloudWatchMetrics"')) return undefined;
  try {
    const doc = JSON.parse(line) as Partial<EmfDocument>;
    return Array.isArray(doc._aws?.CloudWatchMetrics) ? (doc as EmfDocument) : undefined;
  } catch {
    return undefined;
  }
}

export class MetricsFile {
  /** Opened on the first line and kept open: one write a line, not open + write + close (every /predict prints one). */
  #fd: number | undefined;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** Appends the line when it is EMF; says whether it was. Synchronous, so no line is lost at a stop. */
  offer(functionName: string, line: string): boolean {
    if (!emfOf(line)) return false;
    this.#fd ??= openSync(this.path, 'a');
    // The line is the EMF document as printed (just parsed): embedded as it is, not re-serialised.
    writeSync(this.#fd, `{"function":${JSON.stringify(functionName)},"emf":${line.trim()}}\n`);
    return true;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  read(): MetricRecord[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return text
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as MetricRecord];
        } catch {
          return []; // a line cut short by a kill
        }
      });
  }
}

export interface MetricTotal {
  name: string;
  unit: string;
  /** Values recorded (an EMF value may be a list). */
  count: number;
  sum: number;
}

/** Every metric's values added up, by name and dimension values (e.g. `Predictions{digit=7}`). */
export function totals(records: MetricRecord[]): Map<string, MetricTotal> {
  const out = new Map<string, MetricTotal>();
  for (const { emf } of records) {
    for (const directive of emf._aws.CloudWatchMetrics) {
      const dims = (directive.Dimensions[0] ?? []).filter((d) => d !== 'service').map((d) => `${d}=${String(emf[d])}`);
      for (const { Name, Unit = 'None' } of directive.Metrics) {
        const raw = emf[Name];
        const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number');
        const key = dims.length ? `${Name}{${dims.join(',')}}` : Name;
        const t = out.get(key) ?? { name: key, unit: Unit, count: 0, sum: 0 };
        t.count += values.length;
        t.sum += values.reduce((a, b) => a + b, 0);
        out.set(key, t);
      }
    }
  }
  return out;
}

/** One line: counts as sums, everything else as mean over values, most frequent first. */
export function summaryLine(records: MetricRecord[]): string {
  const all = [...totals(records).values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  if (all.length === 0) return 'metrics: none recorded yet';
  const shown = all.map((t) =>
    t.unit === 'Count'
      ? `${t.name}=${t.sum}`
      : `${t.name} mean ${round(t.sum / Math.max(1, t.count))}${unit(t.unit)} (n=${t.count})`,
  );
  return `metrics (${records.length} EMF lines): ${shown.join(' · ')}`;
}

const round = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
const unit = (u: string) => (u === 'Milliseconds' ? ' ms' : u === 'Seconds' ? ' s' : '');
