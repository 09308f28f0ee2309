// Tiny argument schemas: each both validates untrusted input at the boundary and gives the
// TypeScript type of the validated value, so the contract states each argument shape once.

import { GpwError } from './errors.js';

export interface Schema<T> {
  parse(value: unknown, path: string): T;
  optional?: boolean;
}
export type Infer<S> = S extends Schema<infer T> ? T : never;

const fail = (path: string, what: string): never => {
  throw new GpwError('invalid_argument', `${path} ${what}`);
};

export function string(opts: { min?: number; max?: number; pattern?: RegExp } = {}): Schema<string> {
  const { min = 0, max = 4096, pattern } = opts;
  return {
    parse(v, path) {
      if (typeof v !== 'string') return fail(path, 'must be a string');
      if (v.length < min) return fail(path, `must have at least ${min} characters`);
      if (v.length > max) return fail(path, `must have at most ${max} characters`);
      if (pattern && !pattern.test(v)) return fail(path, `must match ${pattern}`);
      return v;
    },
  };
}

export function integer(opts: { min?: number; max?: number } = {}): Schema<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts;
  return {
    parse(v, path) {
      if (typeof v !== 'number' || !Number.isInteger(v)) return fail(path, 'must be an integer');
      if (v < min || v > max) return fail(path, `must be between ${min} and ${max}`);
      return v;
    },
  };
}

/** A finite number within [min, max]. */
export function finiteNumber(opts: { min: number; max: number }): Schema<number> {
  return {
    parse(v, path) {
      if (typeof v !== 'number' || !Number.isFinite(v)) return fail(path, 'must be a number');
      if (v < opts.min || v > opts.max) return fail(path, `must be between ${opts.min} and ${opts.max}`);
      return v;
    },
  };
}

export function oneOf<const T extends readonly string[]>(values: T): Schema<T[number]> {
  return {
    parse(v, path) {
      if (typeof v !== 'string' || !values.includes(v)) return fail(path, `must be one of ${values.join(', ')}`);
      return v as T[number];
    },
  };
}

export function bytes(maxBytes: number): Schema<Uint8Array> {
  return {
    parse(v, path) {
      if (!(v instanceof Uint8Array)) return fail(path, 'must be bytes (Uint8Array)');
      if (v.byteLength > maxBytes) {
        throw new GpwError('too_large', `${path} is ${v.byteLength} bytes; at most ${maxBytes} are accepted`);
      }
      return v;
    },
  };
}

export function optional<T>(schema: Schema<T>): Schema<T | undefined> {
  return {
    optional: true,
    parse(v, path) {
      return v === undefined || v === null ? undefined : schema.parse(v, path);
    },
  };
}

export function stringMap(key: Schema<string>, value: Schema<string>, maxKeys = 64): Schema<Record<string, string>> {
  return {
    parse(v, path) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, 'must be an object');
      const entries = Object.entries(v);
      if (entries.length > maxKeys) return fail(path, `must have at most ${maxKeys} entries`);
      const out: Record<string, string> = Object.create(null);
      for (const [k, val] of entries) out[key.parse(k, `${path} key`)] = value.parse(val, `${path}.${k}`);
      return { ...out };
    },
  };
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

/** A plain object with exactly these keys (unknown keys are refused). */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  return {
    parse(v, path) {
      if (v === undefined) v = {};
      if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) return fail(path, 'must be an object');
      const input = v as Record<string, unknown>;
      for (const k of Object.keys(input)) if (!Object.hasOwn(shape, k)) fail(`${path}.${k}`, 'is not a known argument');
      const out: Record<string, unknown> = {};
      for (const [k, schema] of Object.entries(shape)) {
        const parsed = schema.parse(input[k], `${path}.${k}`);
        if (parsed !== undefined) out[k] = parsed;
      }
      return out as ObjectOf<S>;
    },
  };
}

export function boolean(): Schema<boolean> {
  return {
    parse(v, path) {
      if (typeof v !== 'boolean') return fail(path, 'must be true or false');
      return v;
    },
  };
}

export function array<T>(item: Schema<T>, opts: { min?: number; max: number }): Schema<T[]> {
  const { min = 0, max } = opts;
  return {
    parse(v, path) {
      if (!Array.isArray(v)) return fail(path, 'must be an array');
      if (v.length < min || v.length > max) return fail(path, `must have between ${min} and ${max} entries`);
      return v.map((x, i) => item.parse(x, `${path}[${i}]`));
    },
  };
}

/** A string that must also pass a check; the check returns a problem to report, or null. */
export function checkedString(opts: { max: number }, check: (s: string) => string | null): Schema<string> {
  const base = string({ max: opts.max });
  return {
    parse(v, path) {
      const s = base.parse(v, path);
      const problem = check(s);
      if (problem !== null) return fail(path, problem);
      return s;
    },
  };
}

/** A contract method: its argument schema, and (a phantom, for types only) its result. */
export interface Method<A, R> {
  args: Schema<A>;
  /** Phantom: the result type only. */
  result?: R;
}
export const method = <A, R>(args: Schema<A>): Method<A, R> => ({ args });
