import { validationException } from './errors';

/**
 * The local SageMaker runs `train` and `serve` as Node.js processes on this machine with the
 * request's Environment, so a name that Node.js, libuv, the tsx loader or the dynamic loader reads
 * would let a caller run other code (`NODE_OPTIONS=--require …`, `LD_PRELOAD=…`) or change how the
 * container runs. Those names are refused; the container's own settings use any other name.
 */
export const RUNTIME_VARIABLE_PREFIXES = ['NODE_', 'LD_', 'DYLD_', 'UV_', 'TSX_'] as const;

export function isRuntimeVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return RUNTIME_VARIABLE_PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** Throws a ValidationException naming every refused variable at `path` (e.g. 'environment'). */
export function refuseRuntimeVariables(path: string, environment: Record<string, string> | undefined): void {
  const refused = Object.keys(environment ?? {}).filter(isRuntimeVariable);
  if (refused.length === 0) return;
  const names = refused.map((n) => `'${n}'`).join(', ');
  throw validationException(
    `Environment variable${refused.length === 1 ? '' : 's'} ${names} at '${path}' ${refused.length === 1 ? 'is' : 'are'} not allowed by the local SageMaker: ` +
      `names starting with ${RUNTIME_VARIABLE_PREFIXES.join(', ')} (any case) change how Node.js or the dynamic loader runs the container.`,
  );
}
