/** The Node.js check of `scripts/prepare-test.ts`, against package.json `engines.node`. */

function parts(version: string): number[] {
  return version.replace(/^v/, '').split('.').map(Number);
}

/** Whether `version` (e.g. process.versions.node) meets `range`, which must read `>=MAJOR.MINOR[.PATCH]`. */
export function meetsMinimum(version: string, range: string): boolean {
  const minimum = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range.trim())?.[1];
  if (!minimum) throw new Error(`engines.node must read ">=MAJOR.MINOR[.PATCH]", not "${range}"`);
  const have = parts(version);
  const need = parts(minimum);
  for (let i = 0; i < 3; i++) {
    const diff = (have[i] ?? 0) - (need[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return true;
}
