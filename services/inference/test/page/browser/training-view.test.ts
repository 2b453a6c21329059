import { trainingFacts } from '../../../src/page/browser/training-view';

describe('trainingFacts', () => {
  it('describes the default profile: one network, its epochs, no augmentation', () => {
    expect(trainingFacts({ epochs: 5, batch_size: 128, learning_rate: 0.003, seed: 42 })).toEqual([
      ['Trained with', '1 CNN, 5 epochs, no augmentation'],
    ]);
  });

  it('describes the cloud profile: an ensemble and the augmentation that is on', () => {
    expect(
      trainingFacts({
        epochs: 15,
        ensemble: 3,
        augment_rotation: 10,
        augment_shear: 0,
        augment_scale: 0.1,
        augment_shift: 2,
        augment_lowres: 0.15,
        augment_blur: 0,
        augment_noise: 0,
      }),
    ).toEqual([
      [
        'Trained with',
        'ensemble of 3 CNNs (answers averaged), 15 epochs, augmented: rotation ±10°, scale ±10%, shift ±2 px, low resolution 15%',
      ],
    ]);
  });

  it('names the elastic distortion when it is on', () => {
    expect(trainingFacts({ epochs: 15, augment_rotation: 10, augment_elastic: 2 })).toEqual([
      ['Trained with', '1 CNN, 15 epochs, augmented: rotation ±10°, elastic ±2 px'],
    ]);
  });

  it('says how much wider than the default network a model is', () => {
    expect(trainingFacts({ epochs: 15, width: 2 })).toEqual([
      ['Trained with', '1 CNN 2× wide, 15 epochs, no augmentation'],
    ]);
    expect(trainingFacts({ epochs: 15, width: 2, ensemble: 3 })[0]![1]).toMatch(
      /^ensemble of 3 CNNs 2× wide \(answers averaged\), 15 epochs/,
    );
  });

  it('says a model was fine-tuned from the live model, and from which', () => {
    expect(trainingFacts({ epochs: 4, init_model: 'digits-dev--corrections-ab-a1', from_scratch: 'false' })).toEqual([
      ['Trained with', '1 CNN, 4 epochs, no augmentation, fine-tuned from digits-dev--corrections-ab-a1'],
    ]);
  });

  it('says nothing it cannot read: no record, strings where numbers belong', () => {
    expect(trainingFacts(null)).toEqual([['Trained with', 'not recorded for this model']]);
    expect(trainingFacts(undefined)).toEqual([['Trained with', 'not recorded for this model']]);
    expect(trainingFacts({ epochs: '<b>5</b>', ensemble: 'many' })).toEqual([
      ['Trained with', '1 CNN, no augmentation'],
    ]);
  });
});
