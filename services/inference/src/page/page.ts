import { createHash } from 'node:crypto';
import { HttpError } from '../http/errors';
import type { HttpResponse } from '../http/responses';
import { APP_CSS } from './assets/app-css';
import { APP_JS } from './assets/app-js.generated';
import { INDEX_HTML } from './assets/index-html';

/**
 * GET / (the draw-a-digit page) and GET /assets/{name} (its script and styles). The assets are
 * strings bundled into the function, so nothing is read from disk at run time and the page is
 * the same offline and on AWS; the script is built from browser/ by scripts/build-page.ts. Asset URLs carry a hash of their content, so browsers may cache
 * them for good while the page itself is revalidated on every visit.
 */

/**
 * Nothing but our own script, styles and API; images only from us or data:/blob: URLs (the 28×28
 * the model saw comes as a data: URL, an upload preview as a blob: URL). No inline code.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

export interface PageAsset {
  name: string;
  contentType: string;
  body: string;
  /** First 16 hex digits of the body's SHA-256: the `v` of its URL. */
  version: string;
}

function asset(name: string, contentType: string, body: string): PageAsset {
  return { name, contentType, body, version: createHash('sha256').update(body).digest('hex').slice(0, 16) };
}

export const ASSETS: ReadonlyMap<string, PageAsset> = new Map(
  [asset('app.js', 'text/javascript; charset=utf-8', APP_JS), asset('app.css', 'text/css; charset=utf-8', APP_CSS)].map(
    (a) => [a.name, a],
  ),
);

/** Relative URL of an asset as the page links it (relative, so it works under any base path). */
export function assetUrl(a: PageAsset): string {
  return `assets/${a.name}?v=${a.version}`;
}

export const PAGE_HTML = INDEX_HTML.replace(/\{\{([a-z.]+)\}\}/g, (placeholder, name: string) => {
  const a = ASSETS.get(name);
  if (!a) throw new Error(`index.html links ${placeholder}, which is not an asset`);
  return assetUrl(a);
});

export function pageResponse(): HttpResponse {
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', ...SECURITY_HEADERS },
    body: PAGE_HTML,
  };
}

/** An asset by name; `version` is the URL's `v` (immutable caching only when it is current). */
export function assetResponse(name: string | undefined, version: string | undefined): HttpResponse {
  const a = name === undefined ? undefined : ASSETS.get(name);
  if (!a) {
    throw new HttpError(
      404,
      'NOT_FOUND',
      `no asset ${JSON.stringify(name ?? '')}: the page's assets are ${[...ASSETS.keys()].join(', ')}`,
    );
  }
  const cache = version === a.version ? 'public, max-age=31536000, immutable' : 'no-cache';
  return {
    statusCode: 200,
    headers: { 'Content-Type': a.contentType, 'Cache-Control': cache, ...SECURITY_HEADERS },
    body: a.body,
  };
}
