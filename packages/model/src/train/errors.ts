/** A training failure whose message is fit for output/failure (names the bad input). */
export class TrainingInputError extends Error {
  override name = 'TrainingInputError';
}
