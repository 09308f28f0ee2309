// The error envelope: every failure crosses every transport as {ok:false, error:{code, message}}.

export type ErrorCode = 'invalid_argument' | 'not_found' | 'bad_input' | 'too_large' | 'unavailable' | 'internal';

export class GpwError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'GpwError';
  }
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

export function errorBody(err: unknown): ErrorBody {
  if (err instanceof GpwError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `internal error: ${message}` };
}

export function unwrapEnvelope<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw new GpwError(envelope.error.code, envelope.error.message);
}
