// Binary framing for the web bridge: JSON for structure, typed arrays carried as raw bytes
// (never as JSON arrays of numbers). Frame = u32 header length | header JSON | padding | buffers,
// each buffer 8-byte aligned so the receiver can view it in place without copying.

type TypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

const CTORS = { Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array } as const;
type CtorName = keyof typeof CTORS;

interface BufferRef {
  $typed: CtorName;
  offset: number;
  length: number;
}

const align8 = (n: number): number => (n + 7) & ~7;

function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

function typedName(a: TypedArray): CtorName {
  // Node's Buffer is a Uint8Array subclass; name the base class the receiver knows.
  for (const name of Object.keys(CTORS) as CtorName[]) if (a instanceof CTORS[name]) return name;
  throw new Error('unsupported typed array');
}

export function encodeFrame(message: unknown): Uint8Array<ArrayBuffer> {
  const buffers: TypedArray[] = [];
  const json = JSON.stringify(message, function (this: Record<string, unknown>, key: string, value: unknown) {
    // Look at the holder's own value: Buffer.toJSON would already have turned it into an array.
    const raw = this[key];
    if (isTypedArray(raw)) {
      buffers.push(raw);
      return { $typed: typedName(raw), index: buffers.length - 1 };
    }
    return value;
  });
  // Offsets are relative to the start of the buffer area, which follows the aligned header.
  const offsets: number[] = [];
  let size = 0;
  for (const b of buffers) {
    offsets.push(size);
    size = align8(size + b.byteLength);
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ json, buffers: buffers.map((b, i) => ({ type: typedName(b), offset: offsets[i], length: b.length })) }),
  );
  const start = align8(4 + header.length);
  const frame = new Uint8Array(start + size);
  new DataView(frame.buffer).setUint32(0, header.length, true);
  frame.set(header, 4);
  buffers.forEach((b, i) => frame.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), start + offsets[i]));
  return frame;
}

export function decodeFrame(data: ArrayBuffer | Uint8Array): unknown {
  let frame = data instanceof Uint8Array ? data : new Uint8Array(data);
  // Typed-array views need their byte offset to be a multiple of the element size.
  if (frame.byteOffset % 8 !== 0) frame = new Uint8Array(frame); // a copy: Buffer#slice would be a view
  if (frame.byteLength < 4) throw new Error('frame too short');
  const headerLen = new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0, true);
  if (4 + headerLen > frame.byteLength) throw new Error('frame header exceeds frame');
  const header = JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + headerLen))) as {
    json?: unknown;
    buffers?: unknown;
  };
  if (typeof header?.json !== 'string' || !Array.isArray(header.buffers)) throw new Error('malformed frame header');
  const start = align8(4 + headerLen);
  const arrays = header.buffers.map((b: { type?: unknown; offset?: unknown; length?: unknown }) => {
    if (typeof b?.type !== 'string' || !Object.hasOwn(CTORS, b.type)) throw new Error(`unknown typed array ${String(b?.type)}`);
    const Ctor = CTORS[b.type as CtorName];
    const { offset, length } = b;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || (offset as number) < 0 || (length as number) < 0) {
      throw new Error('typed array offset and length must be non-negative integers');
    }
    if ((offset as number) % Ctor.BYTES_PER_ELEMENT !== 0) throw new Error('typed array offset is not aligned');
    if (start + (offset as number) + (length as number) * Ctor.BYTES_PER_ELEMENT > frame.byteLength) throw new Error('typed array exceeds frame');
    return new Ctor(frame.buffer as ArrayBuffer, frame.byteOffset + start + (offset as number), length as number);
  });
  // Most answers (a library page, a table) carry no typed array: parsed without a reviver, which
  // costs a call per value (a 100-row library page: 1 ms instead of 4). A reference with no buffer still fails.
  if (arrays.length === 0 && !header.json.includes('"$typed"')) return JSON.parse(header.json);
  return JSON.parse(header.json, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$typed' in value && 'index' in value) {
      const ref = value as unknown as BufferRef & { index: number };
      const arr = Number.isInteger(ref.index) ? arrays[ref.index] : undefined;
      if (!arr) throw new Error('missing typed array');
      return arr;
    }
    return value;
  });
}
