// Protobuf messages written by field number with protobufjs's Writer: nested messages without
// the fork/ldelim bookkeeping at every call. Used for the worker's warm-up profile and by tests
// for profiles Go never writes (stripped, negative values, odd ids, pruning rules).

import protobuf from 'protobufjs/minimal.js';

export interface ProtoWriter {
  w: protobuf.Writer;
  /** Writes field `field` as a length-delimited message whose body `build` writes to `w`. */
  message(field: number, build: () => void): void;
}

export function protoWriter(): ProtoWriter {
  const w = protobuf.Writer.create();
  return {
    w,
    message(field, build) {
      w.uint32((field << 3) | 2).fork();
      build();
      w.ldelim();
    },
  };
}
