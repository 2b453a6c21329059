import type { ModelEvaluation, ReferenceScores } from '@digits/common';
import { API_PATHS, errorOf, readAnswer, type ModelDoc, type PredictionDoc } from '../../../src/page/browser/api';
import type { SingleAnswer } from '../../../src/predict/response';
import type { ModelSummary } from '../../../src/registry/live-model';

// What the API sends is what the page reads: `pnpm typecheck` fails here if a field the page
// uses is renamed or changes type on the server's side.
type ModelBody = ModelSummary & {
  trainingJobName: string;
  metrics: Record<string, number>;
  evaluation: ModelEvaluation | null;
  reference: ReferenceScores | null;
};
export const pageReadsPredictions = (answer: SingleAnswer): Partial<PredictionDoc> => answer;
export const pageReadsModels = (body: ModelBody): Partial<ModelDoc> => body;

describe('readAnswer', () => {
  it('gives the status and the JSON body of an answer', async () => {
    const res = new Response(JSON.stringify({ digit: 3 }), { status: 200 });

    expect(await readAnswer<PredictionDoc>(res)).toEqual({ ok: true, status: 200, doc: { digit: 3 } });
  });

  it.each([
    ['an HTML error page', '<html>Bad gateway</html>'],
    ['an empty body', ''],
    ['JSON that is not an object', '42'],
    ['a JSON array', '[1, 2]'],
  ])('gives a null body for %s', async (_, body) => {
    expect(await readAnswer(new Response(body, { status: 502 }))).toEqual({ ok: false, status: 502, doc: null });
  });
});

describe('errorOf', () => {
  it("takes the code and message of the API's error body", () => {
    const answer = { ok: false, status: 400, doc: { error: { code: 'BAD_IMAGE', message: 'not a PNG' } } };

    expect(errorOf(answer)).toEqual({ code: 'BAD_IMAGE', message: 'not a PNG' });
  });

  it('makes one up from the status when the body says nothing', () => {
    expect(errorOf({ ok: false, status: 502, doc: null })).toEqual({
      code: 'HTTP_502',
      message: 'the API answered 502',
    });
  });
});

describe('API_PATHS', () => {
  it('are relative, so the page works under any stage path', () => {
    for (const path of Object.values(API_PATHS)) expect(path).toMatch(/^[a-z]/);
  });
});
