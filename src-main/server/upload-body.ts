// gpw serve's upload of a whole file as one HTTP request body: POST /api/upload?id=UPLOAD_ID, with
// the run's token in the X-Gpw-Token header, after uploadStart and before uploadFinish over the
// WebSocket (api/upload-contract.ts). The browser streams a File body from the file itself: the
// page never reads it, and Chromium spends ~0.1 s of CPU on an 18 MiB profile where sending it in
// WebSocket frames (each slice read into the page, copied into a frame, masked) took ~0.45 s and
// the server ~0.2 s more to unmask and decode the frames. The body is cut into pieces of
// BODY_PIECE_BYTES and each goes through the contract's uploadChunk, so it is validated (offset,
// the size announced) and written as the WebSocket's pieces are; the answer is the contract's
// envelope of the last status, as JSON. Host, Origin (required: browsers send it on a POST) and
// token are checked by the caller (serve.ts).
//
// Bounds: a body is taken only for an upload that is receiving and has no byte yet, one body per
// upload at a time (409 otherwise), and a Content-Length past the announced size is refused before
// a byte is read (413), so memory stays at a piece or two per open upload. A body that stalls for
// IDLE_MS is dropped. A refused piece is answered at once and the connection closed after the
// answer (the rest of the body is not read); a refused or broken body cancels the upload, which a
// body cannot resume (it always starts at byte 0).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { dispatch, type GpwApi } from '../api/contract.js';
import type { Envelope } from '../api/errors.js';
import type { UploadStatus } from '../api/upload-types.js';

/** The pieces a body is written in (the page's own piece size: lib/upload.ts UPLOAD_CHUNK_BYTES). */
export const BODY_PIECE_BYTES = 4 << 20;
/** A body that brings no byte for this long is dropped (the whole body may take as long as it needs). */
export const IDLE_MS = 120_000;

/** Uploads with a body being read now. */
const receiving = new Set<string>();

/** Reads the request body into the upload `uploadId` and answers its last status (or the first error) as a JSON envelope. */
export async function receiveUploadBody(req: IncomingMessage, res: ServerResponse, api: GpwApi, uploadId: string): Promise<void> {
  const before = await dispatch(api, 'uploadStatus', { uploadId });
  if (!before.ok) return answer(req, res, before, 400);
  const status = before.value as UploadStatus;
  if (status.state !== 'receiving' || status.received !== 0 || receiving.has(uploadId)) {
    const why = status.state !== 'receiving' ? `the upload is ${status.state}` : 'its bytes are already being sent (a body starts at byte 0 and comes once)';
    return answer(req, res, refusal(`${status.name}: ${why}`), 409);
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > status.size) return answer(req, res, refusal(`${status.name}: a body of ${declared} bytes, past the announced size of ${status.size} bytes`), 413);

  receiving.add(uploadId);
  req.setTimeout(IDLE_MS, () => req.destroy(new Error('idle')));
  const piece = Buffer.allocUnsafe(BODY_PIECE_BYTES);
  let filled = 0;
  let offset = 0;
  let last: Envelope<unknown> = before;
  /** Writes the piece through the contract; false when it is refused. */
  const write = async (): Promise<boolean> => {
    // A copy: the next piece is read into the same buffer.
    last = await dispatch(api, 'uploadChunk', { uploadId, offset, bytes: new Uint8Array(piece.subarray(0, filled)) });
    offset += filled;
    filled = 0;
    return last.ok;
  };
  // After a refused piece the loop only waits for the connection to close (answer() closes it once
  // the error is sent; leaving the loop early would destroy the request before the answer is out).
  let refusedAt: Envelope<unknown> | null = null;
  try {
    for await (const data of req as AsyncIterable<Buffer>) {
      for (let at = 0; at < data.length && !refusedAt; ) {
        const n = Math.min(data.length - at, piece.length - filled);
        data.copy(piece, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === piece.length && !(await write())) refusedAt = await refused(req, res, api, uploadId, last);
      }
    }
    if (refusedAt) return;
    if (filled > 0 && !(await write())) {
      await refused(req, res, api, uploadId, last);
      return;
    }
    answer(req, res, last, 200);
  } catch {
    if (refusedAt) return; // the connection closed after the refusal's answer, as it should
    // The page went away mid-body, or the body stalled: nothing to answer; the upload cannot go on.
    res.destroy();
    await dispatch(api, 'uploadCancel', { uploadId });
  } finally {
    receiving.delete(uploadId);
  }
}

/** A refused piece: its error answered, the connection closed after it, the upload cancelled; the error. */
async function refused(req: IncomingMessage, res: ServerResponse, api: GpwApi, uploadId: string, error: Envelope<unknown>): Promise<Envelope<unknown>> {
  answer(req, res, error, 400);
  await dispatch(api, 'uploadCancel', { uploadId });
  return error;
}

const refusal = (message: string): Envelope<unknown> => ({ ok: false, error: { code: 'invalid_argument', message } });

/**
 * The envelope as JSON. Before the body's end the connection is closed once the answer is sent
 * (the rest of the body is not read: a browser reads an answer that comes early).
 */
function answer(req: IncomingMessage, res: ServerResponse, envelope: Envelope<unknown>, status: number): void {
  const body = JSON.stringify(envelope);
  const early = !req.readableEnded;
  res.writeHead(envelope.ok ? 200 : status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    ...(early ? { Connection: 'close' } : {}),
  });
  res.end(body, () => {
    if (early) req.destroy();
  });
}
