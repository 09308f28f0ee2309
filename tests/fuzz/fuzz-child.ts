// One format's share of the long fuzz run, in a process of its own so that the runner
// (fuzz.mjs) can watch its memory, kill it on a hang and start it again. Told the format, seed
// files, run seed and first input number over IPC; announces each input before reading it, so
// the runner knows which input a death or hang belongs to. Bundled by fuzz.mjs with vite.

import { readFileSync } from 'node:fs';
import type { FormatName } from '../../src-main/formats/detect-format';
// @ts-expect-error: a plain .mjs helper without types
import { mutatedInput } from './mutate.mjs';
import { fuzzContext, readOne, registeredFormats } from './fuzz-target';

interface Job {
  format: FormatName;
  seedFiles: string[];
  runSeed: number;
  from: number;
  until: number;
  maxBytes: number;
  workerPath: string;
}

const send = (m: unknown): void => void process.send!(m);

let stop = false;
process.on('message', (m: Job | 'stop' | 'formats') => {
  if (m === 'stop') stop = true;
  else if (m === 'formats') {
    process.send!({ t: 'formats', formats: registeredFormats() }, () => process.disconnect());
  } else void run(m);
});

async function run(job: Job): Promise<void> {
  {
    const seeds = job.seedFiles.map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(f)) }));
    const ctx = fuzzContext(job.workerPath);
    const counts = { ok: 0, refused: 0, crash: 0 };
    let last = Date.now();
    for (let i = job.from; i < job.until && !stop; i++) {
      const { bytes } = mutatedInput(seeds, job.runSeed, i, job.maxBytes) as { bytes: Uint8Array };
      send({ t: 'start', i, size: bytes.length });
      // Let the announcement out and a stop in, even when the reader never yields.
      await new Promise((resolve) => setImmediate(resolve));
      const o = await readOne(job.format, bytes, ctx);
      counts[o.kind]++;
      if (o.kind === 'crash') send({ t: 'crash', i, message: o.message.slice(0, 4000) });
      if (Date.now() - last > 500) {
        send({ t: 'progress', counts });
        last = Date.now();
      }
    }
    send({ t: 'progress', counts });
    await ctx.close();
    process.send!({ t: 'done' }, () => process.disconnect());
  }
}
