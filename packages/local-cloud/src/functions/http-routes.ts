/**
 * API Gateway HTTP API route selection: `METHOD /path/{param}/{greedy+}`, `ANY`, `$default`.
 * The most specific route wins: literal segments beat `{param}`, which beats `{greedy+}`; a
 * route's own method beats ANY; `$default` catches whatever nothing else matched.
 */

export interface Route<T> {
  routeKey: string;
  target: T;
}

export interface RouteMatch<T> {
  route: Route<T>;
  pathParameters?: Record<string, string>;
}

interface Compiled<T> {
  route: Route<T>;
  method: string;
  segments: Array<{ literal: string } | { param: string; greedy: boolean }>;
}

export class RouteConflictError extends Error {
  override name = 'RouteConflictError';
}

export class RouteTable<T> {
  private readonly compiled: Compiled<T>[] = [];
  private defaultRoute: Route<T> | undefined;

  constructor(routes: Route<T>[]) {
    const seen = new Set<string>();
    for (const route of routes) {
      if (seen.has(route.routeKey)) throw new RouteConflictError(`route "${route.routeKey}" is declared twice`);
      seen.add(route.routeKey);
      if (route.routeKey === '$default') {
        this.defaultRoute = route;
        continue;
      }
      const [method, path] = route.routeKey.split(' ') as [string, string];
      const parts = path === '/' ? [] : path.slice(1).split('/');
      const segments = parts.map((part, i) => {
        const m = /^\{([^}+]+)(\+?)\}$/.exec(part);
        if (!m) return { literal: part };
        if (m[2] && i !== parts.length - 1)
          throw new RouteConflictError(`route "${route.routeKey}": a greedy {${m[1]}+} must be the last segment`);
        return { param: m[1]!, greedy: m[2] === '+' };
      });
      this.compiled.push({ route, method, segments });
    }
  }

  get routes(): Route<T>[] {
    return [...this.compiled.map((c) => c.route), ...(this.defaultRoute ? [this.defaultRoute] : [])];
  }

  /** The route API Gateway would select for this method and raw path, with its path parameters. */
  match(method: string, rawPath: string): RouteMatch<T> | undefined {
    const parts = rawPath === '/' ? [] : rawPath.slice(1).split('/');
    let best: { score: number[]; match: RouteMatch<T> } | undefined;
    for (const c of this.compiled) {
      if (c.method !== method && c.method !== 'ANY') continue;
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      const literals = c.segments.filter((s) => 'literal' in s).length;
      const greedy = c.segments.some((s) => 'greedy' in s && s.greedy) ? 0 : 1;
      const score = [greedy, literals, c.method === method ? 1 : 0, c.segments.length];
      if (!best || compare(score, best.score) > 0) {
        best = { score, match: { route: c.route, ...(Object.keys(params).length ? { pathParameters: params } : {}) } };
      }
    }
    if (best) return best.match;
    return this.defaultRoute ? { route: this.defaultRoute } : undefined;
  }
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function matchSegments(segments: Compiled<unknown>['segments'], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if ('literal' in s) {
      if (parts[i] !== s.literal) return undefined;
    } else if (s.greedy) {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.every((p) => p === '')) return undefined;
      params[s.param] = decode(rest.join('/'));
      return params;
    } else {
      const part = parts[i];
      if (part === undefined || part === '') return undefined;
      params[s.param] = decode(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
