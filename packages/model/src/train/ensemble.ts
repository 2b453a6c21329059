/**
 * Training an ensemble from fresh weights: its members train one after another, member i as a
 * whole run of seed `seed` + 101·i (initial weights, shuffle, dropout, augmentation), and are then
 * joined into one model that answers the mean of their softmaxes (model.ts joinMembers).
 *
 * Why not side by side on the same batches: those members agree more. In the one run of each
 * measured (packages/model README "Profiles"), side by side gained 0.02 point over the best member
 * and one after another 0.04: no clear difference, but the independent runs are also what a user
 * can reproduce member by member with `bench:train --seed`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '@digits/common';
import { evaluate, fit, type EpochMetrics, type Evaluation } from './fit';
import type { TrainingConfig } from './hyperparameters';
import { buildClassifier, joinMembers, memberSeed } from './model';

export async function trainMembers(
  train: LabelledImages,
  test: LabelledImages,
  config: TrainingConfig,
  onEpoch: (member: number, m: EpochMetrics) => void,
): Promise<{ model: tf.LayersModel; final: Evaluation }> {
  const members: tf.LayersModel[] = [];
  for (let i = 0; i < config.ensemble; i++) {
    const seed = memberSeed(config.seed, i);
    const member = buildClassifier(seed, 1, config.width, config.dropout);
    await fit(member, train, test, { ...config, seed }, (m) => onEpoch(i, m));
    members.push(member.model);
  }
  const model = joinMembers(members, config.seed, config.width);
  for (const m of members) m.dispose();
  return { model, final: evaluate(model, test) };
}
