// The contract boundary: argument validation of untrusted callers, the error envelope, and the
// binary frame codec that carries typed arrays over the web bridge.
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, dispatch, type GpwApi } from '../../src-main/api/contract';
import { GpwError } from '../../src-main/api/errors';
import { decodeFrame, encodeFrame } from '../../src-main/api/wire';

const calls: [string, unknown][] = [];
const fake = new Proxy({} as GpwApi, {
  get: (_t, name: string) => async (args: unknown) => {
    calls.push([name, args]);
    if (name === 'getArtifact') throw new GpwError('not_found', 'no artifact x');
    if (name === 'libraryInfo') throw new Error('boom');
    return { echoed: args };
  },
});

describe('dispatch', () => {
  it('passes validated arguments through', async () => {
    const r = await dispatch(fake, 'topTable', { id: 'abc', sampleType: 'cpu', nodecount: 5 });
    expect(r).toEqual({ ok: true, value: { echoed: { id: 'abc', sampleType: 'cpu', nodecount: 5 } } });
  });

  it.each([
    ['unknown method', 'rm -rf', {}, /unknown method/],
    ['inherited name', 'constructor', {}, /unknown method/],
    ['proto name', '__proto__', {}, /unknown method/],
    ['unknown key', 'getArtifact', { id: 'a', extra: 1 }, /extra is not a known argument/],
    ['wrong type', 'topTable', { id: 'a', nodecount: 'x' }, /nodecount must be an integer/],
    ['bad id', 'getArtifact', { id: '../etc' }, /id must match/],
    ['missing', 'getArtifact', {}, /id must be a string/],
    ['array args', 'listArtifacts', [], /must be an object/],
    ['a page without an offset', 'listArtifactsPage', { limit: 10 }, /offset must be an integer/],
    ['a page too long', 'listArtifactsPage', { offset: 0, limit: 5000 }, /limit must be/],
    ['a page before the first row', 'listArtifactsPage', { offset: -1, limit: 10 }, /offset must be/],
    ['bytes not bytes', 'importFile', { name: 'a', bytes: [1, 2] }, /bytes must be bytes/],
  ])('refuses %s', async (_what, method, args, message) => {
    const before = calls.length;
    const r = await dispatch(fake, method, args);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('invalid_argument');
    expect(!r.ok && r.error.message).toMatch(message);
    expect(calls.length).toBe(before);
  });

  it('turns engine errors into envelopes with codes', async () => {
    expect(await dispatch(fake, 'getArtifact', { id: 'x' })).toEqual({ ok: false, error: { code: 'not_found', message: 'no artifact x' } });
    const r = await dispatch(fake, 'libraryInfo', {});
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'internal error: boom' } });
  });

  it('lists every method once', () => {
    expect(new Set(METHOD_NAMES).size).toBe(METHOD_NAMES.length);
    expect(METHOD_NAMES).toContain('flameGraph');
  });
});

describe('wire frames', () => {
  it('carries typed arrays as aligned binary and everything else as JSON', () => {
    const msg = {
      id: 7,
      ok: true,
      value: { names: ['root', 'main.f'], total: Float64Array.from([3.5, 1e15]), depth: Int32Array.from([0, 1]), tiny: Uint8Array.from([1, 2, 3]), nested: [{ x: Float64Array.from([1]) }] },
    };
    const frame = encodeFrame(msg);
    const text = new TextDecoder().decode(frame);
    expect(text).not.toContain('1000000000000000');
    const back = decodeFrame(frame.slice().buffer) as typeof msg;
    expect(back.value.total).toBeInstanceOf(Float64Array);
    expect(Array.from(back.value.total)).toEqual([3.5, 1e15]);
    expect(Array.from(back.value.depth)).toEqual([0, 1]);
    expect(Array.from(back.value.tiny)).toEqual([1, 2, 3]);
    expect(back.value.nested[0].x).toBeInstanceOf(Float64Array);
    expect(back.value.names).toEqual(['root', 'main.f']);
    expect(back.id).toBe(7);
  });

  it('sends a Node Buffer as bytes, not as a JSON array', () => {
    const back = decodeFrame(encodeFrame({ bytes: Buffer.from([9, 8, 7]) })) as { bytes: Uint8Array };
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.bytes)).toEqual([9, 8, 7]);
  });

  it('carries a frame without typed arrays as plain JSON, and refuses a reference to a buffer it does not carry', () => {
    const page = { id: 3, ok: true, value: { total: 2, artifacts: [{ id: 'a', labels: { k: 'v' }, summary: { $typed: 'x' }, n: null }] } };
    expect(decodeFrame(encodeFrame(page))).toEqual(page);
    // A hand-made frame naming buffer 0 with no buffers: as refused as before the plain-JSON path.
    const json = JSON.stringify({ a: { $typed: 'Uint8Array', index: 0 } });
    const header = new TextEncoder().encode(JSON.stringify({ json, buffers: [] }));
    const frame = new Uint8Array(8 + header.length);
    new DataView(frame.buffer).setUint32(0, header.length, true);
    frame.set(header, 4);
    expect(() => decodeFrame(frame)).toThrow(/missing typed array/);
  });

  it('rejects frames that lie about their sizes', () => {
    const frame = encodeFrame({ a: Float64Array.from([1, 2]) });
    expect(() => decodeFrame(frame.slice(0, frame.length - 8))).toThrow(/exceeds/);
    expect(() => decodeFrame(new Uint8Array([255, 255, 255, 255]))).toThrow(/exceeds/);
  });
});
