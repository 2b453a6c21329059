import { Script } from 'node:vm';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@digits/common';
import { createApi } from '../../src/http/app';
import type { HttpResponse } from '../../src/http/responses';
import { API_PATHS } from '../../src/page/browser/api';
import { ELEMENT_IDS } from '../../src/page/browser/page-elements';
import { ASSETS, CONTENT_SECURITY_POLICY, PAGE_HTML } from '../../src/page/page';
import { createServices } from '../../src/services';
import { realClients } from '../mocked-api';
import { httpEvent, lambdaContext } from '@digits/test-kit';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const handler = createApi(
  createServices(
    { endpointName: 'digits-test', artifactsBucket: 'artifacts', corsOrigins: ['*'] },
    realClients(),
    quiet,
  ),
);
const call = async (event: APIGatewayProxyEventV2) => (await handler(event, lambdaContext())) as HttpResponse;

/** An asset request as API Gateway routes it: route key with the template, the name as a path parameter. */
function assetEvent(url: string): APIGatewayProxyEventV2 {
  const { pathname, searchParams } = new URL(url, 'https://api.example.com/');
  const name = decodeURIComponent(pathname.replace(/^\/assets\//, ''));
  const query = Object.fromEntries(searchParams);
  return {
    ...httpEvent({ method: 'GET', path: pathname, ...(searchParams.size ? { query } : {}) }),
    routeKey: 'GET /assets/{name}',
    pathParameters: { name },
  };
}

/** Every URL the page would fetch: src/href attributes, CSS url(), and the API paths the script fetches. */
function referencedUrls(html: string, css: string): string[] {
  return [
    ...[...html.matchAll(/\b(?:src|href|action|srcset|poster)\s*=\s*"([^"]*)"/g)].map((m) => m[1]!),
    ...[...css.matchAll(/url\(\s*['"]?([^'")]+)/g)].map((m) => m[1]!),
    ...[...css.matchAll(/@import\s+['"]([^'"]+)/g)].map((m) => m[1]!),
    ...Object.values(API_PATHS),
  ];
}

describe('GET / (the draw-a-digit page)', () => {
  it('answers HTML with a strict Content-Security-Policy and no inline code', async () => {
    // Act
    const res = await call(httpEvent({ method: 'GET', path: '/' }));

    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
    const csp = res.headers['Content-Security-Policy'];
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    const directives = Object.fromEntries(
      csp!
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values.join(' ')]),
    );
    expect(directives).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' data: blob:",
      'connect-src': "'self'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.headers['X-Content-Type-Options']).toBe('nosniff');
    const html = res.body!;
    expect(html).toMatch(/^<!doctype html>/);
    // Inline code would be blocked by the CSP: every script has a src, no style elements or attributes, no on* handlers.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });

  it('references nothing outside its own origin (works offline: no fonts, CDNs or absolute URLs)', async () => {
    const html = (await call(httpEvent({ method: 'GET', path: '/' }))).body!;
    const css = ASSETS.get('app.css')!.body;
    const js = ASSETS.get('app.js')!.body;

    const urls = referencedUrls(html, css);
    expect(urls).toEqual(expect.arrayContaining(['predict?debug=1', 'model', 'health']));
    // The script fetches nothing but those paths (its only fetch calls take them from API_PATHS).
    for (const path of Object.values(API_PATHS)) expect(js).toContain(JSON.stringify(path));
    expect(js.match(/\bfetch\(/g)).toHaveLength(Object.keys(API_PATHS).length);
    for (const url of urls) {
      // Relative to the page (so the page works under any stage path) or an inline data: URL.
      expect(url).toMatch(/^(?:data:|[a-z][a-z0-9./?=&-]*$)/);
      expect(url).not.toMatch(/^(?:https?:)?\/\//);
    }
    for (const text of [html, css, js]) expect(text).not.toMatch(/https?:\/\//);
  });

  it('links its script and styles by versioned URLs that the asset route serves', async () => {
    const html = (await call(httpEvent({ method: 'GET', path: '/' }))).body!;
    const linked = [...html.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(linked.sort()).toEqual([
      `assets/app.css?v=${ASSETS.get('app.css')!.version}`,
      `assets/app.js?v=${ASSETS.get('app.js')!.version}`,
    ]);

    for (const url of linked) {
      const res = await call(assetEvent(url));
      const name = url.slice('assets/'.length, url.indexOf('?'));
      expect(res.statusCode).toBe(200);
      expect(res.headers['Content-Type']).toBe(
        name.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
      );
      expect(res.headers['Cache-Control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['X-Content-Type-Options']).toBe('nosniff');
      expect(res.body).toBe(ASSETS.get(name)!.body);
    }
  });

  it('does not let browsers keep an asset for good when the URL names another version', async () => {
    const stale = await call(assetEvent('assets/app.js?v=0123456789abcdef'));
    const bare = await call(assetEvent('assets/app.css'));
    expect(stale.statusCode).toBe(200);
    expect(stale.headers['Cache-Control']).toBe('no-cache');
    expect(bare.headers['Cache-Control']).toBe('no-cache');
  });

  it.each(['app.ts', 'index.html', '../page.ts', 'APP.JS', ''])(
    'answers 404 naming the assets for unknown asset %j',
    async (name) => {
      const res = await call({ ...assetEvent('assets/x'), pathParameters: { name } });
      expect(res.statusCode).toBe(404);
      expect(res.headers['Content-Type']).toBe('application/json');
      const body = JSON.parse(res.body!) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('NOT_FOUND');
      expect(body.error.message).toContain('app.js, app.css');
    },
  );

  it('answers 405 with Allow: GET to other methods on the page', async () => {
    const res = await call(httpEvent({ method: 'POST', path: '/', body: 'x' }));
    expect(res.statusCode).toBe(405);
    expect(res.headers.Allow).toBe('GET');
  });

  it('ships a script that parses and only looks up elements the page has', () => {
    const js = ASSETS.get('app.js')!.body;
    const html = PAGE_HTML;
    expect(() => new Script(js, { filename: 'app.js' })).not.toThrow();
    const ids = Object.values(ELEMENT_IDS);
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) {
      expect(js).toContain(JSON.stringify(id));
      expect(html).toContain(`id="${id}"`);
    }
    // Labels point at controls that exist, and every button says what it does.
    for (const [, target] of html.matchAll(/<label for="([^"]+)"/g)) expect(html).toContain(`id="${target}"`);
    for (const [, text] of html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)) expect(text!.trim()).not.toBe('');
  });
});
