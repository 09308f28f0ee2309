// The contract's upload methods (spread into `contract` in contract.ts): a file handed over in
// pieces of at most MAX_UPLOAD_CHUNK_BYTES, written by the engine to a temporary file and
// imported from there as the CLI imports a file (perf script and folded text as a stream), with
// progress polled through uploadStatus; and, in the Electron app, files chosen in the native
// dialog imported from their paths the same way (the renderer never names a path).

import { bytes, integer, object, optional, string, type Infer, type Schema, method } from './schema.js';
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_CHUNK_BYTES, type ChosenImports, type UploadStatus } from './upload-types.js';

const uploadId = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
const uploadArgs = object({ uploadId });

/** `labels` and `run`: the import's fields, as importFile has them. */
export function uploadMethods(labels: Schema<Record<string, string> | undefined>) {
  const run = optional(string({ min: 1, max: 256 }));
  const startArgs = object({ name: string({ min: 1, max: 1024 }), size: integer({ min: 0, max: MAX_UPLOAD_BYTES }), labels, run });
  const chunkArgs = object({ uploadId, offset: integer({ min: 0, max: MAX_UPLOAD_BYTES }), bytes: bytes(MAX_UPLOAD_CHUNK_BYTES) });
  const chooseArgs = object({ labels, run });
  return {
    /** Announces a file of `size` bytes; its pieces follow in order (uploadChunk). */
    uploadStart: method<Infer<typeof startArgs>, UploadStatus>(startArgs),
    /** The piece at `offset`, which must be where the last one ended. */
    uploadChunk: method<Infer<typeof chunkArgs>, UploadStatus>(chunkArgs),
    /** All pieces are there: the import starts; poll uploadStatus until done or failed. */
    uploadFinish: method<{ uploadId: string }, UploadStatus>(uploadArgs),
    uploadStatus: method<{ uploadId: string }, UploadStatus>(uploadArgs),
    /** Drops an upload still receiving (its pieces are deleted). */
    uploadCancel: method<{ uploadId: string }, UploadStatus>(uploadArgs),
    /** The Electron app: files chosen in the native dialog, each imported as an upload job. */
    importChosenFiles: method<Infer<typeof chooseArgs>, ChosenImports>(chooseArgs),
  };
}
