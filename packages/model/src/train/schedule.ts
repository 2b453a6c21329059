/**
 * One-cycle learning rate: linear warm-up from peak/10 over the first 20% of steps, then
 * cosine annealing down to peak/1000. Lets a few epochs reach a high accuracy.
 */
export function oneCycleLearningRate(step: number, totalSteps: number, peak: number): number {
  const warmup = Math.max(1, Math.round(totalSteps * 0.2));
  if (step < warmup) return peak / 10 + ((peak - peak / 10) * step) / warmup;
  const t = Math.min(1, (step - warmup) / Math.max(1, totalSteps - warmup));
  const floor = peak / 1000;
  return floor + ((peak - floor) * (1 + Math.cos(Math.PI * t))) / 2;
}
