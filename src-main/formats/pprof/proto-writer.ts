// Protobuf messages written by field number with protobufjs's Writer: nested messages without
// the fork/ldelim bookkeeping at every call. Used for the worker's warm-up profile and by tests
// for profiles Go never writes (stripped, negative values, odd ids, pruning rules). protobufjs is
// loaded on the first write: the engine reaches this module through every export's code, and a
// process that never writes a profile (gpw list, gpw trace --summary) need not load it.

import { createRequire } from 'node:module';
import type protobuf from 'protobufjs/minimal.js';

let writerClass: typeof protobuf.Writer | undefined;

export interface ProtoWriter {
  w: protobuf.Writer;
  /** Writes field `field` as a length-delimited message whose body `build` writes to `w`. */
  message(field: number, build: () => void): void;
}

export function protoWriter(): ProtoWriter {
  writerClass ??= (createRequire(import.meta.url)('protobufjs/minimal.js') as typeof protobuf).Writer;
  const w = writerClass.create();
  return {
    w,
    message(field, build) {
      w.uint32((field << 3) | 2).fork();
      build();
      w.ldelim();
    },
  };
}
