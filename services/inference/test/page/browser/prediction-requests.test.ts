import type { ResultPanel } from '../../../src/page/browser/result-panel';
import type { ResultView } from '../../../src/page/browser/result-view';
import { PredictionRequests } from '../../../src/page/browser/prediction-requests';
import type { StatusLine } from '../../../src/page/browser/status-line';

/** The result panel as the requests drive it, recording what it was told (no DOM in unit tests). */
function recordingPanel() {
  const shown: Array<{ show: ResultView } | { reset: StatusLine | undefined } | { status: StatusLine }> = [];
  const panel = {
    busy: false,
    show: (view: ResultView) => shown.push({ show: view }),
    reset: (status?: StatusLine) => {
      panel.busy = false;
      shown.push({ reset: status });
    },
    showStatus: (status: StatusLine) => shown.push({ status }),
  };
  return { panel, shown, asPanel: panel as unknown as ResultPanel };
}

function models(version: string | null = 'job-1') {
  return { version, load: jest.fn(async () => undefined) };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const prediction = (digit: number, version = 'job-1') =>
  json(200, { digit, confidence: 0.9, probabilities: Array(10).fill(0.1), model: { version } });
const png = (label: string) => new Blob([label], { type: 'image/png' });

/** A fetch whose answers the test releases one by one, in any order. */
function controlledFetch() {
  const pending: Array<{ body: string; answer: (res: Response) => void; fail: (e: Error) => void }> = [];
  const spy = jest.spyOn(globalThis, 'fetch').mockImplementation(
    async (_url, init) =>
      new Promise<Response>((answer, fail) => {
        void (init!.body as Blob).text().then((body) => pending.push({ body, answer, fail }));
      }),
  );
  const next = async () => {
    while (pending.length === 0) await new Promise((r) => setImmediate(r));
    return pending.shift()!;
  };
  return { spy, next };
}

const settle = () => new Promise((r) => setImmediate(r));

afterEach(() => jest.restoreAllMocks());

describe('PredictionRequests', () => {
  it('tells its listener which image was answered (for a correction), and when that answer goes', async () => {
    const { next } = controlledFetch();
    const { asPanel } = recordingPanel();
    const events: string[] = [];
    const requests = new PredictionRequests(asPanel, models(), {
      answered: (image, type, view) =>
        void image.text().then((t) => events.push(`answered ${t} ${type} ${view.predicted}`)),
      forgotten: () => events.push('forgotten'),
    });

    const sent = requests.send(png('a'), 'image/png');
    (await next()).answer(prediction(3));
    await sent;
    await settle();
    requests.reset();

    expect(events).toEqual(['forgotten', 'answered a image/png 3', 'forgotten']);
  });

  it('posts the image to predict?debug=1 and shows the answer, busy until it arrives', async () => {
    const { spy, next } = controlledFetch();
    const { panel, shown, asPanel } = recordingPanel();
    const requests = new PredictionRequests(asPanel, models());

    const sent = requests.send(png('a'), 'image/png');
    const request = await next();
    expect(panel.busy).toBe(true);
    expect(spy).toHaveBeenCalledWith('predict?debug=1', expect.objectContaining({ method: 'POST' }));
    request.answer(prediction(7));
    await sent;

    expect(panel.busy).toBe(false);
    expect(shown[0]).toEqual({ status: { message: 'Asking the model…', error: false } });
    expect(shown[1]).toMatchObject({ show: { digit: '7' } });
  });

  it('drops a late answer to an older drawing: only the latest is shown', async () => {
    const { next } = controlledFetch();
    const { panel, shown, asPanel } = recordingPanel();
    const requests = new PredictionRequests(asPanel, models());

    const first = requests.send(png('first'), 'image/png');
    const older = await next();
    const second = requests.send(png('second'), 'image/png');
    const newer = await next();
    newer.answer(prediction(2));
    await second;
    older.answer(prediction(9));
    await first;

    const digits = shown.flatMap((s) => ('show' in s ? [s.show.digit] : []));
    expect(digits).toEqual(['2']);
    expect(panel.busy).toBe(false);
  });

  it('drops an answer on its way when the drawing is cleared', async () => {
    const { next } = controlledFetch();
    const { shown, asPanel } = recordingPanel();
    const requests = new PredictionRequests(asPanel, models());

    const sent = requests.send(png('a'), 'image/png');
    const request = await next();
    requests.reset({ message: 'Draw a digit to begin.', error: false });
    request.answer(prediction(4));
    await sent;

    expect(shown.some((s) => 'show' in s)).toBe(false);
  });

  it('keeps an image no model could answer (503) and sends it again once one is live', async () => {
    const { next } = controlledFetch();
    const { shown, asPanel } = recordingPanel();
    const panelOfModels = models(null);
    const requests = new PredictionRequests(asPanel, panelOfModels);

    const refused = requests.send(png('drawing'), 'image/png');
    (await next()).answer(json(503, { error: { code: 'NO_LIVE_MODEL', message: 'no model has been deployed yet' } }));
    await refused;
    expect(shown.at(-1)).toMatchObject({
      reset: { error: true, message: expect.stringMatching(/^No model can answer yet/) },
    });
    expect(panelOfModels.load).toHaveBeenCalledTimes(1);

    requests.modelIsLive();
    const resent = await next();
    expect(resent.body).toBe('drawing');
    resent.answer(prediction(3));
    await settle();

    expect(shown.at(-1)).toMatchObject({ show: { digit: '3' } });
    requests.modelIsLive(); // nothing waits any more
    await settle();
    expect(jest.mocked(fetch)).toHaveBeenCalledTimes(2);
  });

  it('reloads the model panel when an answer comes from a model it does not show', async () => {
    const { next } = controlledFetch();
    const { asPanel } = recordingPanel();
    const panelOfModels = models('job-1');
    const requests = new PredictionRequests(asPanel, panelOfModels);

    const same = requests.send(png('a'), 'image/png');
    (await next()).answer(prediction(1, 'job-1'));
    await same;
    const other = requests.send(png('b'), 'image/png');
    (await next()).answer(prediction(1, 'job-2'));
    await other;

    expect(panelOfModels.load).toHaveBeenCalledTimes(1);
  });

  it('says the API could not be reached when the request fails', async () => {
    const { next } = controlledFetch();
    const { panel, shown, asPanel } = recordingPanel();
    const requests = new PredictionRequests(asPanel, models());

    const sent = requests.send(png('a'), 'image/png');
    (await next()).fail(new TypeError('Failed to fetch'));
    await sent;

    expect(shown.at(-1)).toEqual({
      reset: {
        message: 'Could not reach the API (Failed to fetch). Check your connection and try again.',
        error: true,
      },
    });
    expect(panel.busy).toBe(false);
  });
});
