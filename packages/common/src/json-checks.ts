/** What every contract parser in this package checks first: JSON text, objects, counts. */

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** An accuracy or other fraction: a number in 0..1. */
export const isRate = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** JSON.parse whose failure is the contract's own error: "<where> is not valid JSON: …". */
export function parseJsonText(text: string, where: string, error: new (message: string) => Error): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new error(`${where} is not valid JSON: ${(e as Error).message}`);
  }
}
