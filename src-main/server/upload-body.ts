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

import type { IncomingMessage, ServerResponse } from 'node:http';
import { dispatch, type GpwApi } from '../api/contract.js';
import type { Envelope } from '../api/errors.js';

/** The pieces a body is written in (the page's own piece size: lib/upload.ts UPLOAD_CHUNK_BYTES). */
export const BODY_PIECE_BYTES = 4 << 20;

/** Reads the request body into the upload `uploadId` and answers its last status (or the first error) as a JSON envelope. */
export async function receiveUploadBody(req: IncomingMessage, res: ServerResponse, api: GpwApi, uploadId: string): Promise<void> {
  const piece = Buffer.allocUnsafe(BODY_PIECE_BYTES);
  let filled = 0;
  let offset = 0;
  let last: Envelope<unknown> | null = null;
  let refused = false;
  /** Writes the piece through the contract; false (and the error answered) when it is refused. */
  const write = async (): Promise<boolean> => {
    // A copy: the next piece is read into the same buffer.
    last = await dispatch(api, 'uploadChunk', { uploadId, offset, bytes: new Uint8Array(piece.subarray(0, filled)) });
    offset += filled;
    filled = 0;
    if (!last.ok) {
      refused = true;
      answer(res, last);
    }
    return last.ok;
  };
  try {
    // After a refused piece the rest of the body is read and dropped (the answer is already sent):
    // the page then gets that answer, not a connection reset.
    for await (const data of req as AsyncIterable<Buffer>) {
      for (let at = 0; at < data.length && !refused; ) {
        const n = Math.min(data.length - at, piece.length - filled);
        data.copy(piece, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === piece.length) await write();
      }
    }
  } catch {
    // The page went away mid-body: nothing to answer; the upload is cancelled or times out.
    res.destroy();
    return;
  }
  if (refused) return;
  if (filled > 0 && !(await write())) return;
  answer(res, last ?? (await dispatch(api, 'uploadStatus', { uploadId })));
}

function answer(res: ServerResponse, envelope: Envelope<unknown>): void {
  const body = JSON.stringify(envelope);
  res.writeHead(envelope.ok ? 200 : 400, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
  res.end(body);
}
