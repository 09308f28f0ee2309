// Files handed to the engine in pieces (api/upload-contract.ts): the page reads one slice of the
// file at a time (never the whole file), sends it, then follows the engine's import job until it
// is done, reporting each status for the progress bar. Under gpw serve the bytes go as one request
// body instead (client.ts sendFile), which the browser streams from the file without the page
// reading it. The Electron app's native dialog names files the engine imports from their paths;
// their jobs are followed the same way.

import type { GpwApi } from '../../src-main/api/contract';
import type { UploadStatus } from '../../src-main/api/upload-types';
import type { FileSender } from './client';

/** One piece's size. */
export const UPLOAD_CHUNK_BYTES = 4 << 20;
/** Files of this size or more go in pieces, with a progress bar; smaller ones in one importFile call. */
export const UPLOAD_FROM_BYTES = 4 << 20;
/**
 * How often a running import is asked for its progress: often at first (most imports end within a
 * second or two, and the profile opens as soon as the answer says so), then less.
 */
const POLL_MS = 40;
const POLL_LATER_MS = 150;
const POLL_OFTEN_FOR_MS = 3000;

export type StatusListener = (status: UploadStatus) => void;

/**
 * Sends `file` (in pieces, or with `sendFile` as one request body) and follows its import; answers
 * the last status (done or failed).
 */
export async function uploadFile(
  api: GpwApi,
  file: File,
  options: { labels?: Record<string, string>; run?: string },
  onStatus: StatusListener,
  sendFile: FileSender | null = null,
): Promise<UploadStatus> {
  let status = await api.uploadStart({ name: file.name, size: file.size, labels: options.labels, run: options.run });
  const uploadId = status.uploadId;
  onStatus(status);
  try {
    if (sendFile) {
      const started = status;
      await sendFile(uploadId, file, (sent) => onStatus({ ...started, received: Math.min(sent, file.size) }));
    } else {
      const slice = (offset: number): Promise<ArrayBuffer> => file.slice(offset, offset + UPLOAD_CHUNK_BYTES).arrayBuffer();
      // The next slice is read from the file while the last one travels.
      let next = file.size > 0 ? slice(0) : null;
      for (let offset = 0; offset < file.size; offset += UPLOAD_CHUNK_BYTES) {
        const bytes = new Uint8Array(await next!);
        next = offset + UPLOAD_CHUNK_BYTES < file.size ? slice(offset + UPLOAD_CHUNK_BYTES) : null;
        status = await api.uploadChunk({ uploadId, offset, bytes });
        onStatus(status);
      }
    }
    status = await api.uploadFinish({ uploadId });
  } catch (err) {
    await api.uploadCancel({ uploadId }).catch(() => undefined);
    throw err;
  }
  return followImport(api, status, onStatus);
}

/** Polls an import job until it is done, failed or cancelled. */
export async function followImport(api: GpwApi, status: UploadStatus, onStatus: StatusListener): Promise<UploadStatus> {
  onStatus(status);
  const since = Date.now();
  while (status.state === 'receiving' || status.state === 'importing') {
    await new Promise((resolve) => setTimeout(resolve, Date.now() - since < POLL_OFTEN_FOR_MS ? POLL_MS : POLL_LATER_MS));
    status = await api.uploadStatus({ uploadId: status.uploadId });
    onStatus(status);
  }
  return status;
}

/** What the progress bar says: the phase, the bytes so far of the file's, in MiB. */
export function uploadProgressText(s: UploadStatus): { fraction: number; text: string } {
  const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
  const of = (n: number): string => `${mib(n)} / ${mib(s.size)} MiB`;
  const fraction = (n: number): number => (s.size > 0 ? Math.min(1, n / s.size) : 1);
  switch (s.state) {
    case 'receiving':
      return { fraction: fraction(s.received), text: `sending ${s.name}: ${of(s.received)}` };
    case 'importing':
      return { fraction: fraction(s.imported), text: `reading ${s.name}: ${of(s.imported)}` };
    case 'done':
      return { fraction: 1, text: `imported ${s.name} (${mib(s.size)} MiB)` };
    default:
      return { fraction: fraction(s.received), text: `${s.name}: ${s.state}` };
  }
}
