import type { ModelDoc } from './api';

/**
 * What the live model was trained with, from GET /model's `hyperparameters` (its metadata.json's,
 * as trained): one fact of the model panel — one network or an ensemble, epochs, the augmentation
 * that was on, and the model it was fine-tuned from. Values that are not what the trainer writes
 * are left out, not shown.
 */

const AUGMENTATION: Array<[name: string, label: string, show: (v: number) => string]> = [
  ['augment_rotation', 'rotation', (v) => `±${v}°`],
  ['augment_shear', 'shear', (v) => `±${v}`],
  ['augment_scale', 'scale', (v) => `±${Math.round(v * 100)}%`],
  ['augment_shift', 'shift', (v) => `±${v} px`],
  ['augment_lowres', 'low resolution', (v) => `${Math.round(v * 100)}%`],
  ['augment_blur', 'blur', (v) => `σ ≤ ${v} px`],
  ['augment_noise', 'noise', (v) => `σ ≤ ${v}`],
  ['augment_elastic', 'elastic', (v) => `±${v} px`],
];

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

export function trainingFacts(hp: ModelDoc['hyperparameters'] | undefined): Array<[name: string, value: string]> {
  if (!hp || typeof hp !== 'object') return [['Trained with', 'not recorded for this model']];
  const members = numberOf(hp.ensemble);
  const width = numberOf(hp.width);
  const cnn =
    width !== undefined && width > 1 ? `CNN${members !== undefined && members > 1 ? 's' : ''} ${width}× wide` : '';
  const parts = [
    members !== undefined && members > 1
      ? `ensemble of ${members} ${cnn || 'CNNs'} (answers averaged)`
      : `1 ${cnn || 'CNN'}`,
  ];
  const epochs = numberOf(hp.epochs);
  if (epochs !== undefined) parts.push(`${epochs} epoch${epochs === 1 ? '' : 's'}`);
  const augmented = AUGMENTATION.flatMap(([name, label, show]) => {
    const v = numberOf(hp[name]);
    return v !== undefined && v > 0 ? [`${label} ${show(v)}`] : [];
  });
  parts.push(augmented.length > 0 ? `augmented: ${augmented.join(', ')}` : 'no augmentation');
  const init = hp.init_model;
  if (typeof init === 'string' && init !== '' && hp.from_scratch !== 'true') parts.push(`fine-tuned from ${init}`);
  return [['Trained with', parts.join(', ')]];
}
