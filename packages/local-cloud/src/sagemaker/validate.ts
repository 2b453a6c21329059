import { serializationException, validationException } from './errors';

/**
 * Request validation the way AWS reports it: every constraint violation of the request collected
 * into one ValidationException ("2 validation errors detected: Value 'a_b' at 'trainingJobName'
 * failed to satisfy constraint: ..."), member paths in lowerCamelCase, list members as
 * `list.N.member`. A value of the wrong JSON type fails deserialization first (SerializationException).
 */

/** Name pattern shared by training jobs, models, endpoint configs, endpoints and variants. */
export const NAME_PATTERN = '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}';
export const ROLE_ARN_PATTERN = '^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$';
export const S3_URI_PATTERN = '^(https|s3)://([^/]+)/?(.*)$';
export const ENVIRONMENT_KEY_PATTERN = '[a-zA-Z_][a-zA-Z0-9_]*';

interface StringRules {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: readonly string[];
}
interface NumberRules {
  required?: boolean;
  min?: number;
  max?: number;
  integer?: boolean;
}
interface ListRules {
  required?: boolean;
  min?: number;
  max?: number;
}

const compiled = new Map<string, RegExp>();
/** AWS (Java) matches the whole value against the model's pattern. */
function fullMatch(pattern: string, value: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'su');
    compiled.set(pattern, re);
  }
  return re.test(value);
}

export function memberPath(parent: string, name: string | number): string {
  if (typeof name === 'number') return `${parent}.${name + 1}.member`;
  const camel = name.charAt(0).toLowerCase() + name.slice(1);
  return parent ? `${parent}.${camel}` : camel;
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value;
}

export class Validator {
  private readonly errors: string[] = [];

  private fail(path: string, value: unknown, constraint: string): void {
    const shown =
      value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
    this.errors.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  private present(path: string, value: unknown, required: boolean | undefined): boolean {
    if (value !== undefined && value !== null) return true;
    if (required) this.fail(path, undefined, 'Member must not be null');
    return false;
  }

  private typeError(path: string, expected: string, value: unknown): never {
    throw serializationException(`Expected ${expected} at '${path}', got ${typeName(value)}`);
  }

  string(path: string, value: unknown, rules: StringRules = {}): string | undefined {
    if (!this.present(path, value, rules.required)) return undefined;
    if (typeof value !== 'string') this.typeError(path, 'a string', value);
    if (rules.min !== undefined && value.length < rules.min)
      this.fail(path, value, `Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && value.length > rules.max)
      this.fail(path, value, `Member must have length less than or equal to ${rules.max}`);
    if (rules.pattern !== undefined && !fullMatch(rules.pattern, value))
      this.fail(path, value, `Member must satisfy regular expression pattern: ${rules.pattern}`);
    if (rules.enum && !rules.enum.includes(value))
      this.fail(path, value, `Member must satisfy enum value set: [${rules.enum.join(', ')}]`);
    return value;
  }

  number(path: string, value: unknown, rules: NumberRules = {}): number | undefined {
    if (!this.present(path, value, rules.required)) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.typeError(path, 'a number', value);
    if (rules.integer && !Number.isInteger(value)) this.typeError(path, 'an integer', value);
    if (rules.min !== undefined && value < rules.min)
      this.fail(path, value, `Member must have value greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && value > rules.max)
      this.fail(path, value, `Member must have value less than or equal to ${rules.max}`);
    return value;
  }

  boolean(path: string, value: unknown): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.typeError(path, 'a boolean', value);
    return value;
  }

  /** Timestamps arrive as epoch seconds in JSON 1.1. */
  timestamp(path: string, value: unknown): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value))
      this.typeError(path, 'a timestamp (epoch seconds)', value);
    return value;
  }

  object(path: string, value: unknown, required = false): Record<string, unknown> | undefined {
    if (!this.present(path, value, required)) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) this.typeError(path, 'a structure', value);
    return value as Record<string, unknown>;
  }

  list(path: string, value: unknown, rules: ListRules = {}): unknown[] | undefined {
    if (!this.present(path, value, rules.required)) return undefined;
    if (!Array.isArray(value)) this.typeError(path, 'a list', value);
    if (rules.min !== undefined && value.length < rules.min)
      this.fail(path, value, `Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && value.length > rules.max)
      this.fail(path, value, `Member must have length less than or equal to ${rules.max}`);
    return value;
  }

  /** A string → string map (HyperParameters, Environment). */
  stringMap(
    path: string,
    value: unknown,
    rules: { max: number; key: StringRules; value: StringRules },
  ): Record<string, string> | undefined {
    const map = this.object(path, value);
    if (!map) return undefined;
    const entries = Object.entries(map);
    if (entries.length > rules.max)
      this.fail(path, '{...}', `Member must have length less than or equal to ${rules.max}`);
    for (const [k, v] of entries) {
      this.string(`${path}.key`, k, rules.key);
      this.string(`${path}.${k}.member`, v, { ...rules.value, required: true });
    }
    return map as Record<string, string>;
  }

  /** Tags: 0-50 {Key, Value}. */
  tags(path: string, value: unknown): Array<{ Key: string; Value: string }> | undefined {
    const list = this.list(path, value, { max: 50 });
    list?.forEach((item, i) => {
      const p = memberPath(path, i);
      const tag = this.object(p, item, true);
      this.string(memberPath(p, 'Key'), tag?.Key, {
        required: true,
        min: 1,
        max: 128,
        pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$',
      });
      this.string(memberPath(p, 'Value'), tag?.Value, {
        required: true,
        max: 256,
        pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$',
      });
    });
    return list as Array<{ Key: string; Value: string }> | undefined;
  }

  /** Throw the collected violations as one ValidationException. */
  done(): void {
    const n = this.errors.length;
    if (n === 0) return;
    throw validationException(`${n} validation error${n === 1 ? '' : 's'} detected: ${this.errors.join('; ')}`);
  }
}
