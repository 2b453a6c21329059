import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MAX_LABEL } from '@digits/common';
import { DigitInputError } from '@digits/normalise';
import { HttpError } from '../http/errors';
import { bodyBytes, mediaType } from '../predict/body';
import type { DigitInput } from '../predict/input';
import { parsePredictRequest } from '../predict/request';

/** A parsed `POST /feedback`: the one image the user corrects and what they say it is. */
export interface FeedbackRequest {
  input: DigitInput;
  label: number;
  predicted: number | null;
  model: string | null;
}

/** A model version as the API names one: a training job name (SageMaker allows 63 characters; room to spare). */
const MODEL_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Reads a `POST /feedback` event: the image in any form `POST /predict` takes (its body reader,
 * limits and errors: 400/413/415), exactly one of it; `label`, `predicted` and `model` from the
 * JSON body when it is JSON, else from the query string. Nothing is decoded here: the fields are
 * checked before the image is (normaliseInputs does that).
 */
export async function parseFeedbackRequest(event: APIGatewayProxyEventV2): Promise<FeedbackRequest> {
  const { inputs } = await parsePredictRequest(event);
  const fields = isJson(event) ? jsonFields(event) : queryFields(event);
  if (inputs.length !== 1) {
    throw new DigitInputError(
      'BAD_REQUEST',
      `a correction is exactly one image: got ${inputs.length}; send one image (or {"image": ...}) per request`,
    );
  }
  return { input: inputs[0]!, ...fields };
}

type Fields = Omit<FeedbackRequest, 'input'>;

function isJson(event: APIGatewayProxyEventV2): boolean {
  const type = mediaType(event.headers?.['content-type']);
  return type === 'application/json' || type.endsWith('+json');
}

/** The fields of a JSON body parsePredictRequest has already read as a JSON object. */
function jsonFields(event: APIGatewayProxyEventV2): Fields {
  const doc = JSON.parse(bodyBytes(event).toString('utf8')) as Record<string, unknown>;
  const label = doc.label;
  if (label === undefined) throw badLabel('"label" is missing: send {"image": ..., "label": 0 to 9}');
  if (!isDigit(label)) throw badLabel(`"label" must be an integer from 0 to ${MAX_LABEL}, got ${show(label)}`);
  const predicted = doc.predicted ?? null;
  if (predicted !== null && !isDigit(predicted))
    throw bad('BAD_PREDICTED', `"predicted" must be an integer from 0 to ${MAX_LABEL} or null, got ${show(predicted)}`);
  const model = doc.model ?? null;
  if (model !== null && (typeof model !== 'string' || !MODEL_VERSION.test(model)))
    throw bad('BAD_MODEL', `"model" must be a model version (its training job name) or null, got ${show(model)}`);
  return { label, predicted, model };
}

function queryFields(event: APIGatewayProxyEventV2): Fields {
  const query = event.queryStringParameters ?? {};
  if (query.label === undefined) throw badLabel('label is missing: send ?label=0 to 9 with the image');
  const label = queryDigit(query.label);
  if (label === undefined) throw badLabel(`label must be an integer from 0 to ${MAX_LABEL}, got ${show(query.label)}`);
  let predicted: number | null = null;
  if (query.predicted !== undefined) {
    const digit = queryDigit(query.predicted);
    if (digit === undefined)
      throw bad('BAD_PREDICTED', `predicted must be an integer from 0 to ${MAX_LABEL}, got ${show(query.predicted)}`);
    predicted = digit;
  }
  const model = query.model ?? null;
  if (model !== null && !MODEL_VERSION.test(model))
    throw bad('BAD_MODEL', `model must be a model version (its training job name), got ${show(model)}`);
  return { label, predicted, model };
}

const isDigit = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_LABEL;
const queryDigit = (text: string): number | undefined => (/^\d$/.test(text) ? Number(text) : undefined);
/** A value as JSON, cut short: what the client sent, quoted in the error without echoing a flood. */
const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};
const bad = (code: string, message: string) => new HttpError(400, code, message);
const badLabel = (message: string) => bad('BAD_LABEL', message);
