import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTES, routeKey } from '../src/routes';
import { httpEvent } from '@digits/test-kit';

describe('routes', () => {
  it('are the routes serverless.yml declares for the function (one route table)', () => {
    const yml = readFileSync(join(__dirname, '..', 'serverless.yml'), 'utf8');
    const declared = [...yml.matchAll(/^\s*- httpApi: ['"]([A-Z]+ \/\S*)['"]\s*$/gm)].map((m) => m[1]);
    expect(declared.sort()).toEqual(Object.keys(ROUTES).sort());
    // Throttling names routes by key, and the stage must wait for each route it names.
    for (const key of Object.keys(ROUTES)) {
      const [method, path] = key.split(' ');
      // serverless's naming: each path segment capitalised, `{param}` as `ParamVar`, other characters dropped.
      const segments = path!
        .split('/')
        .filter(Boolean)
        .map((s) => s.replace(/^\{(.+)\}$/, '$1Var').replace(/[^A-Za-z0-9]/g, ''));
      const logicalId = `HttpApiRoute${method![0]}${method!.slice(1).toLowerCase()}${segments.map((s) => s.replace(/^./, (c) => c.toUpperCase())).join('')}`;
      expect(yml).toContain(`- ${logicalId}`);
    }
  });

  it('throttles POST /feedback on its own, below POST /predict (corrections are clicks, each an S3 write)', () => {
    const yml = readFileSync(join(__dirname, '..', 'serverless.yml'), 'utf8');
    const limit = (route: string, what: 'Rate' | 'Burst') => {
      const param = new RegExp(`param:${route}${what}Limit, (\\d+)\\}`).exec(yml);
      return Number(param![1]);
    };
    expect(limit('feedback', 'Rate')).toBeLessThan(limit('predict', 'Rate'));
    expect(limit('feedback', 'Burst')).toBeLessThan(limit('predict', 'Burst'));
    expect(yml).toMatch(/POST \/feedback:\n\s+ThrottlingRateLimit: \$\{self:custom\.throttle\.feedback\.rate\}/);
  });

  it('reads the route key API Gateway sets, or method and path when it sends $default', () => {
    expect(routeKey(httpEvent({ method: 'POST', path: '/predict' }))).toBe('POST /predict');
    const viaDefault = { ...httpEvent({ method: 'GET', path: '/health' }), routeKey: '$default' };
    expect(routeKey(viaDefault)).toBe('GET /health');
  });
});
