import { RouteConflictError, RouteTable } from '../../src/functions/http-routes';

const table = new RouteTable(
  ['GET /items/{id}', 'GET /items/special', 'ANY /items/{id}', 'GET /files/{path+}', 'POST /predict', '$default'].map(
    (routeKey) => ({ routeKey, target: routeKey }),
  ),
);
const pick = (method: string, path: string) => table.match(method, path);

describe('RouteTable', () => {
  it('selects the most specific route like API Gateway', () => {
    expect(pick('GET', '/items/special')?.route.routeKey).toBe('GET /items/special');
    expect(pick('GET', '/items/7')).toEqual({
      route: expect.objectContaining({ routeKey: 'GET /items/{id}' }),
      pathParameters: { id: '7' },
    });
    expect(pick('DELETE', '/items/7')?.route.routeKey).toBe('ANY /items/{id}');
    expect(pick('GET', '/files/a/b%20c.png')?.pathParameters).toEqual({ path: 'a/b c.png' });
    expect(pick('POST', '/predict')?.pathParameters).toBeUndefined();
  });

  it('falls back to $default, or nothing without it', () => {
    expect(pick('GET', '/predict')?.route.routeKey).toBe('$default');
    expect(pick('GET', '/files')?.route.routeKey).toBe('$default');
    const noDefault = new RouteTable([{ routeKey: 'POST /predict', target: 1 }]);
    expect(noDefault.match('GET', '/predict')).toBeUndefined();
    expect(noDefault.match('POST', '/predict/extra')).toBeUndefined();
  });

  it('rejects duplicate routes and greedy segments that are not last', () => {
    expect(
      () =>
        new RouteTable([
          { routeKey: 'GET /a', target: 1 },
          { routeKey: 'GET /a', target: 2 },
        ]),
    ).toThrow(RouteConflictError);
    expect(() => new RouteTable([{ routeKey: 'GET /{p+}/x', target: 1 }])).toThrow(/must be the last segment/);
  });
});
