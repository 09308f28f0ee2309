// The engine: composes the library, the format readers and the analyses into the contract's
// implementation. Plain Node; every front end (Electron, gpw serve, the CLI) drives this class.

import { existsSync, readdirSync, readFileSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { GpwApi, ArgsOf } from './api/contract.js';
import { MAX_IMPORT_BYTES } from './api/contract.js';
import { GpwError } from './api/errors.js';
import type { Artifact, FlameGraph, ImportResult, LibraryInfo, ProfileMeta, TopTable } from './api/types.js';
import { PROFILE_KINDS } from './api/types.js';
import { detectFormat, DETECT_HEAD_BYTES, type FormatName } from './formats/detect-format.js';
import { FormatError } from './formats/format-error.js';
import { READERS } from './import/readers.js';
import type { ArtifactReader, ReadArtifact } from './import/reader-types.js';
import { Library, type NewArtifact } from './library/library.js';
import { sha256Hex } from './library/blobs.js';
import { ProfileWorkerClient } from './workers/profile-worker-client.js';
import type { ProfileSource } from './workers/profile-worker-protocol.js';
import { DEFAULT_TOP_OPTIONS, type TopOptions } from './analysis/top.js';

export interface EngineOptions {
  libraryPath: string;
  /** Built profile worker script (out/main/profile-worker.js). */
  workerPath: string;
  /** Folder of demo profiles offered on first start. */
  demoDir?: string;
  /** better-sqlite3 addon built for Electron, when running inside Electron. */
  nativeBinding?: string;
  /**
   * Start the profile worker at once and let it warm its code paths while idle, so the first
   * large profile opens at full speed. For the app and gpw serve, not one-shot CLI commands.
   */
  warmUp?: boolean;
}

export interface ImportOptions {
  labels?: Record<string, string>;
  run?: string;
}

interface ImportInput {
  name: string;
  source: string;
  bytes: Uint8Array;
}

const formatSize = (n: number): string =>
  n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${n} bytes`;

export class Engine implements GpwApi {
  readonly library: Library;
  private readonly worker: ProfileWorkerClient;

  constructor(private readonly options: EngineOptions) {
    this.library = new Library(options.libraryPath, { nativeBinding: options.nativeBinding });
    this.worker = new ProfileWorkerClient(options.workerPath, options.warmUp === true);
    if (options.warmUp) this.worker.start();
  }

  async close(): Promise<void> {
    await this.worker.close();
    this.library.close();
  }

  // ---- contract methods ----

  async libraryInfo(): Promise<LibraryInfo> {
    return {
      path: this.library.path,
      artifactCount: this.library.count(),
      blobBytes: this.library.blobBytes(),
      demoAvailable: this.demoFiles().length > 0,
    };
  }

  async listArtifacts(query: ArgsOf<'listArtifacts'>): Promise<Artifact[]> {
    return this.library.list(query);
  }

  async getArtifact({ id }: { id: string }): Promise<Artifact> {
    return this.requireArtifact(id);
  }

  async importFile(args: ArgsOf<'importFile'>): Promise<ImportResult> {
    const name = basename(args.name);
    return this.importInputs([{ name, source: `upload:${name}`, bytes: args.bytes }], args);
  }

  async deleteArtifact({ id }: { id: string }): Promise<{ deleted: boolean }> {
    return { deleted: this.library.delete(id) };
  }

  async setLabel({ id, key, value }: { id: string; key: string; value: string }): Promise<Artifact> {
    if (!this.library.setLabel(id, key, value)) throw new GpwError('not_found', `no artifact ${id}`);
    return this.requireArtifact(id);
  }

  async removeLabel({ id, key }: { id: string; key: string }): Promise<Artifact> {
    this.requireArtifact(id);
    this.library.removeLabel(id, key);
    return this.requireArtifact(id);
  }

  async loadDemo(): Promise<ImportResult> {
    const files = this.demoFiles();
    if (files.length === 0) throw new GpwError('unavailable', 'no demo profiles are installed with this copy of gpw');
    return this.importPaths(files, { labels: { demo: 'true' }, run: 'demo' });
  }

  async profileMeta({ id }: { id: string }): Promise<ProfileMeta> {
    const artifact = this.requireProfile(id);
    const meta = await this.worker.run<{ sampleTypes: { type: string; unit: string }[]; defaultSampleType: string }>(
      { op: 'meta', source: this.sourceOf(artifact) },
      () => this.bytesOf(artifact),
    );
    return { artifact, ...meta };
  }

  async flameGraph({ id, sampleType }: { id: string; sampleType?: string }): Promise<FlameGraph> {
    const artifact = this.requireProfile(id);
    return this.worker.run<FlameGraph>({ op: 'flame', source: this.sourceOf(artifact), sampleType }, () => this.bytesOf(artifact));
  }

  async topTable({ id, sampleType, nodecount, sort }: ArgsOf<'topTable'>): Promise<TopTable> {
    const artifact = this.requireProfile(id);
    return this.worker.run<TopTable>(
      { op: 'top', source: this.sourceOf(artifact), sampleType, options: topOptions(nodecount, sort) },
      () => this.bytesOf(artifact),
    );
  }

  // ---- for the CLI (paths are trusted there; the renderer never gets these) ----

  /** Imports files from disk, all in one transaction: one bad file and nothing is added. */
  async importPaths(paths: string[], options: ImportOptions = {}): Promise<ImportResult> {
    const inputs = paths.map((p) => {
      const full = resolve(p);
      return { name: basename(full), source: full, bytes: readInputFile(full) };
    });
    return this.importInputs(inputs, options);
  }

  /** Top table of a profile file that is not in the library. */
  async topOfFile(path: string, sampleType: string | undefined, nodecount: number, sort?: 'flat' | 'cum'): Promise<TopTable & { file: string }> {
    const full = resolve(path);
    const bytes = readInputFile(full);
    checkFormat(basename(full), bytes);
    const table = await this.worker.run<TopTable>(
      { op: 'top', source: { sha256: sha256Hex(bytes), bytes }, sampleType, options: topOptions(nodecount, sort) },
      () => bytes,
    ).catch((err: unknown) => {
      throw err instanceof GpwError && err.code === 'bad_input' ? new GpwError('bad_input', `${basename(full)}: ${err.message}`) : err;
    });
    return { ...table, file: full };
  }

  // ---- internals ----

  private async importInputs(inputs: ImportInput[], options: ImportOptions): Promise<ImportResult> {
    const prepared: NewArtifact[] = [];
    for (const input of inputs) {
      const reader = readerFor(input.name, input.bytes);
      const sha256 = sha256Hex(input.bytes);
      let read: ReadArtifact;
      try {
        read = await reader.read({ name: input.name, bytes: input.bytes, sha256 }, { profiles: this.worker });
      } catch (err) {
        if (err instanceof GpwError) throw new GpwError(err.code, `${input.name}: ${err.message}`);
        if (err instanceof FormatError) throw new GpwError('bad_input', `${input.name}: ${err.message}`);
        throw err;
      }
      prepared.push({
        kind: reader.kind,
        ...read,
        bytes: input.bytes,
        sha256,
        file: input.name,
        source: input.source,
        labels: options.labels ?? {},
      });
    }
    return { artifacts: this.library.addArtifacts(prepared, options.run ?? null) };
  }

  private requireArtifact(id: string): Artifact {
    const a = this.library.get(id);
    if (!a) throw new GpwError('not_found', `no artifact ${id} in the library`);
    return a;
  }

  private requireProfile(id: string): Artifact {
    const a = this.requireArtifact(id);
    if (!PROFILE_KINDS.includes(a.kind)) throw new GpwError('invalid_argument', `artifact ${id} is a ${a.kind}, not a profile`);
    return a;
  }

  private sourceOf(artifact: Artifact): ProfileSource {
    return { sha256: artifact.sha256 };
  }

  private bytesOf(artifact: Artifact): Uint8Array {
    const bytes = this.library.blobs.get(artifact.sha256);
    if (!bytes) throw new GpwError('internal', `the library has lost the data of artifact ${artifact.id}`);
    return bytes;
  }

  private demoFiles(): string[] {
    const dir = this.options.demoDir;
    if (!dir || !existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.pb.gz'))
      .sort()
      .map((f) => join(dir, f));
  }
}

function topOptions(nodecount: number | undefined, sort: 'flat' | 'cum' | undefined): TopOptions {
  return { ...DEFAULT_TOP_OPTIONS, nodecount: nodecount ?? DEFAULT_TOP_OPTIONS.nodecount, cum: sort === 'cum' };
}

function checkFormat(name: string, bytes: Uint8Array): FormatName {
  const detected = detectFormat(bytes.subarray(0, DETECT_HEAD_BYTES));
  if (detected.format === null) throw new GpwError('bad_input', `${name}: ${detected.reason}`);
  return detected.format;
}

/** The reader for a file's detected format; a format gpw recognises but cannot import is refused. */
function readerFor(name: string, bytes: Uint8Array): ArtifactReader {
  const format = checkFormat(name, bytes);
  const reader = READERS[format];
  if (!reader) throw new GpwError('bad_input', `${name}: gpw recognises this as ${format} but cannot import it yet`);
  return reader;
}

/** Reads an input file, refusing what cannot be a profile before reading it into memory. */
export function readInputFile(path: string): Uint8Array {
  const name = basename(path);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new GpwError('bad_input', `${name}: not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof GpwError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new GpwError('not_found', code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code})`);
  }
  if (size === 0) throw new GpwError('bad_input', `${name}: the file is empty`);
  if (size > MAX_IMPORT_BYTES) {
    // Say what it looks like too: a huge file is usually the wrong file.
    const head = Buffer.alloc(DETECT_HEAD_BYTES);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, head, 0, DETECT_HEAD_BYTES, 0);
    } finally {
      closeSync(fd);
    }
    const detected = detectFormat(head);
    const what = detected.format === null ? `; ${detected.reason}` : '';
    throw new GpwError('too_large', `${name}: the file is ${formatSize(size)}; gpw imports profiles up to ${formatSize(MAX_IMPORT_BYTES)}${what}`);
  }
  return readFileSync(path);
}
