/**
 * EventBridge event-pattern matching (no maintained npm library implements it; AWS's own is the
 * Java "event-ruler"). Covers: value lists, nested objects, arrays in the event (any element),
 * null, prefix, suffix, equals-ignore-case, anything-but (value, list, prefix, suffix,
 * equals-ignore-case, wildcard), numeric ranges, exists, cidr (IPv4), wildcard, and $or.
 */

export class EventPatternError extends Error {
  override name = 'EventPatternError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function matchesEventPattern(pattern: Obj, event: unknown): boolean {
  if (!isObj(event)) return false;
  return matchObject(pattern, event, '');
}

function matchObject(pattern: Obj, value: Obj, at: string): boolean {
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2)
        throw new EventPatternError(`${at || 'pattern'}.$or must list at least two patterns`);
      if (!rule.some((alt) => (isObj(alt) ? matchObject(alt, value, at) : badRule(`${at}.$or`, alt)))) return false;
      continue;
    }
    const path = at ? `${at}.${key}` : key;
    const field = value[key];
    if (Array.isArray(rule)) {
      if (!matchField(rule, field, path)) return false;
    } else if (isObj(rule)) {
      // Nested object pattern; an array of objects in the event matches when any element does.
      const candidates = Array.isArray(field) ? field.filter(isObj) : isObj(field) ? [field] : [];
      if (!candidates.some((c) => matchObject(rule, c, path))) return false;
    } else {
      badRule(path, rule);
    }
  }
  return true;
}

function badRule(path: string, rule: unknown): never {
  throw new EventPatternError(
    `pattern field ${path} must be a list of values or an object, got ${JSON.stringify(rule)}`,
  );
}

function matchField(rules: unknown[], field: unknown, path: string): boolean {
  if (field === undefined || (Array.isArray(field) && field.length === 0)) {
    return rules.some((r) => isObj(r) && r.exists === false);
  }
  const values = Array.isArray(field) ? field : [field];
  return rules.some((rule) => values.some((v) => matchValue(rule, v as Json, path)));
}

function matchValue(rule: unknown, value: Json, path: string): boolean {
  if (!isObj(rule)) {
    if (rule === null || ['string', 'number', 'boolean'].includes(typeof rule)) return rule === value;
    throw new EventPatternError(`pattern field ${path}: unsupported value ${JSON.stringify(rule)}`);
  }
  const entries = Object.entries(rule);
  if (entries.length !== 1)
    throw new EventPatternError(
      `pattern field ${path}: a matcher object has exactly one key, got ${JSON.stringify(rule)}`,
    );
  const [op, arg] = entries[0]!;
  switch (op) {
    case 'exists':
      return arg === true; // the field is present (absent fields are handled by matchField)
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
    case 'wildcard':
      return typeof value === 'string' && stringMatch(op, arg, value, path);
    case 'anything-but':
      return anythingBut(arg, value, path);
    case 'numeric':
      return typeof value === 'number' && numeric(arg, value, path);
    case 'cidr':
      return typeof value === 'string' && cidr(arg, value, path);
    default:
      throw new EventPatternError(`pattern field ${path}: unknown matcher "${op}"`);
  }
}

function stringMatch(op: string, arg: unknown, value: string, path: string): boolean {
  if (op === 'wildcard') {
    if (typeof arg !== 'string') throw new EventPatternError(`pattern field ${path}: wildcard needs a string`);
    return wildcardRegExp(arg).test(value);
  }
  let needle = arg;
  let fold = op === 'equals-ignore-case';
  if (isObj(arg) && (op === 'prefix' || op === 'suffix') && typeof arg['equals-ignore-case'] === 'string') {
    needle = arg['equals-ignore-case'];
    fold = true;
  }
  if (typeof needle !== 'string') throw new EventPatternError(`pattern field ${path}: ${op} needs a string`);
  const [v, n] = fold ? [value.toLowerCase(), needle.toLowerCase()] : [value, needle];
  if (op === 'prefix') return v.startsWith(n);
  if (op === 'suffix') return v.endsWith(n);
  return v === n;
}

function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (c === '*') source += '.*';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function anythingBut(arg: unknown, value: Json, path: string): boolean {
  if (Array.isArray(arg)) return !arg.some((a) => a === value);
  if (isObj(arg)) {
    const [op, inner] = Object.entries(arg)[0] ?? [];
    if (op === 'prefix' || op === 'suffix' || op === 'equals-ignore-case' || op === 'wildcard') {
      if (typeof value !== 'string') return true;
      const needles = Array.isArray(inner) ? inner : [inner];
      return !needles.some((n) => stringMatch(op, n, value, path));
    }
    throw new EventPatternError(`pattern field ${path}: anything-but does not take ${JSON.stringify(arg)}`);
  }
  return arg !== value;
}

function numeric(arg: unknown, value: number, path: string): boolean {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) {
    throw new EventPatternError(`pattern field ${path}: numeric needs [op, number] pairs, got ${JSON.stringify(arg)}`);
  }
  for (let i = 0; i < arg.length; i += 2) {
    const [op, bound] = [arg[i], arg[i + 1]];
    if (typeof bound !== 'number') throw new EventPatternError(`pattern field ${path}: numeric bound must be a number`);
    const ok =
      op === '<'
        ? value < bound
        : op === '<='
          ? value <= bound
          : op === '='
            ? value === bound
            : op === '>'
              ? value > bound
              : op === '>='
                ? value >= bound
                : undefined;
    if (ok === undefined)
      throw new EventPatternError(`pattern field ${path}: unknown numeric operator ${JSON.stringify(op)}`);
    if (!ok) return false;
  }
  return true;
}

function ipv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function cidr(arg: unknown, value: string, path: string): boolean {
  const [net, bitsText] = String(arg).split('/');
  const base = ipv4(net ?? '');
  const bits = Number(bitsText);
  if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32)
    throw new EventPatternError(`pattern field ${path}: cidr "${String(arg)}" is not IPv4 a.b.c.d/n`);
  const ip = ipv4(value);
  if (ip === undefined) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(base / size);
}

/** The part of an event an `inputPath` such as `$.detail` or `$.detail.items[0]` selects. */
export function selectInputPath(event: unknown, inputPath: string): unknown {
  if (inputPath === '$') return event;
  if (!inputPath.startsWith('$')) throw new EventPatternError(`inputPath ${inputPath} must start with $`);
  let current: unknown = event;
  for (const [, key, index] of inputPath.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = key !== undefined ? (current as Obj)[key] : (current as unknown[])[Number(index)];
  }
  return current;
}
