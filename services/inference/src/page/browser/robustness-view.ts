import type { ModelDoc } from './api';

/**
 * The live model's accuracy under the corruption suite (rotation, noise, low resolution, …), from
 * GET /model's `robustness`: compact, as two facts of the model panel — the mean, and the
 * corruptions it handles worst.
 */

/** How many of the weakest corruptions the panel names. */
export const WEAKEST_SHOWN = 3;

const percent = (a: number) => `${(100 * a).toFixed(1)}%`;

export function robustnessFacts(r: ModelDoc['robustness'] | undefined): Array<[name: string, value: string]> {
  const corruptions = Object.entries(r?.corruptions ?? {}).filter(([, a]) => typeof a === 'number');
  if (!r || typeof r.mean !== 'number' || corruptions.length === 0)
    return [['Robustness', 'not scored (trained before robustness scores)']];
  const images = typeof r.images === 'number' ? `, ${r.images.toLocaleString()} images each` : '';
  const clean = typeof r.clean === 'number' ? `; uncorrupted ${percent(r.clean)}` : '';
  const weakest = corruptions
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, WEAKEST_SHOWN)
    .map(([name, a]) => `${name} ${percent(a)}`);
  return [
    ['Robustness', `mean ${percent(r.mean)} over ${corruptions.length} corruptions${images}${clean}`],
    ['Weakest under', weakest.join(', ')],
  ];
}
