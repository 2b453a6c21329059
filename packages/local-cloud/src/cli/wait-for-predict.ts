export class CancelledError extends Error {
  override name = 'CancelledError';
}

/** One POST /predict with a real digit: its answer, or undefined while there is none (503: no model yet). */
export async function predictOnce(apiUrl: string, png: Uint8Array): Promise<{ digit: number } | undefined> {
  try {
    const res = await fetch(`${apiUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: Buffer.from(png),
    });
    if (res.ok) return (await res.json()) as { digit: number };
    await res.arrayBuffer();
  } catch {
    // API not listening yet: keep waiting.
  }
  return undefined;
}

/** Poll POST /predict with a real digit until it answers 200. */
export async function waitForPredict(
  apiUrl: string,
  png: Uint8Array,
  cancelled: () => boolean,
  intervalMs = 1000,
): Promise<{ digit: number }> {
  for (;;) {
    if (cancelled()) throw new CancelledError('stopped before /predict answered');
    const answer = await predictOnce(apiUrl, png);
    if (answer) return answer;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Poll GET /model until the live model's record answers. It can trail the first /predict answer
 * by a few seconds: deployModel writes the registry pointer after the endpoint call is accepted,
 * and the API caches the registry for up to 5 s.
 */
export async function waitForModelRecord<T = Record<string, unknown>>(
  apiUrl: string,
  cancelled: () => boolean,
  intervalMs = 500,
): Promise<T> {
  for (;;) {
    if (cancelled()) throw new CancelledError('stopped before /model answered');
    const res = await fetch(`${apiUrl}/model`).catch(() => undefined);
    if (res?.ok) return (await res.json()) as T;
    await res?.arrayBuffer();
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
