import { epochSeconds } from './wire';

export interface MetricDefinition {
  Name: string;
  Regex: string;
}

export interface MetricDatum {
  MetricName: string;
  Value: number;
  /** epoch seconds */
  Timestamp: number;
}

/**
 * Applies a training job's MetricDefinitions to its log lines, as SageMaker does: the first capture
 * group of each regex is the value; the last match of each metric is its final value.
 */
export class MetricCapture {
  private readonly definitions: Array<{ name: string; regex: RegExp }>;
  private readonly latest = new Map<string, MetricDatum>();

  constructor(definitions: readonly MetricDefinition[] = []) {
    this.definitions = definitions.map((d) => ({ name: d.Name, regex: new RegExp(d.Regex) }));
  }

  /** Returns the metrics this line updated. */
  observe(line: string, atMs: number = Date.now()): MetricDatum[] {
    const updated: MetricDatum[] = [];
    for (const { name, regex } of this.definitions) {
      const match = regex.exec(line);
      const raw = match?.[1] ?? match?.[0];
      if (raw === undefined) continue;
      const value = Number.parseFloat(raw);
      if (!Number.isFinite(value)) continue;
      const datum = { MetricName: name, Value: value, Timestamp: epochSeconds(atMs) };
      this.latest.set(name, datum);
      updated.push(datum);
    }
    return updated;
  }

  /** FinalMetricDataList, in MetricDefinitions order. */
  final(): MetricDatum[] {
    return this.definitions.flatMap(({ name }) => {
      const datum = this.latest.get(name);
      return datum ? [datum] : [];
    });
  }
}

/** A MetricDefinitions regex SageMaker would accept but JavaScript cannot compile is a bad request here. */
export function regexError(regex: string): string | undefined {
  try {
    new RegExp(regex);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
