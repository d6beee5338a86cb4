// Engine (arcface): backbone features of labelled photos (person/... folders) and pair files, cached in SQLite by content hash.
import { readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { FeatureCache } from '../store/feature-cache.js';
import type { Db } from '../store/db.js';
import { decodeImage, DecodeError, IMAGE_EXTENSIONS } from '../image/decode.js';
import { hashBytes } from '../image/hash.js';
import { readPhotoFile, ReadError } from '../image/read.js';
import { listUserFolderSync } from '../image/user-files.js';
import { modelsDir } from '../paths.js';
import { pickSubject } from '../vision/subject.js';
import { MODEL_FILES, PIPELINE_VERSION, type FacePipeline } from '../vision/pipeline.js';
import { modelPath, sha256File } from '../vision/ort.js';

export { FEATURE_DIM } from '../store/faces.js';

export interface LabelledFile {
  /** The first folder level under the root: the identity's name. */
  identity: string;
  /** Absolute path. */
  path: string;
}

/**
 * Every image under DIR/<person>/... (any depth), identities in name order; files at the root are ignored. The root is
 * a user-named folder ([Note: user-named files]): its errors name the problem, never a name found inside it; a
 * subfolder or link that cannot be read is passed over (the dataset counts only what it can read).
 */
export function listLabelled(root: string, maxDepth = 16): LabelledFile[] {
  let top;
  try {
    top = listUserFolderSync(root, 'the labels folder');
  } catch (err) {
    throw new Error((err as Error).message);
  }
  const out: LabelledFile[] = [];
  const walk = (dir: string, identity: string, depth: number) => {
    if (depth > maxDepth) return;
    let entries;
    try {
      entries = listUserFolderSync(dir, 'a folder of the labels folder');
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.kind === 'folder') walk(p, identity, depth + 1);
      else if (e.kind === 'file' && IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase()))
        out.push({ identity, path: p });
    }
  };
  for (const e of top) if (!e.name.startsWith('.') && e.kind === 'folder') walk(join(root, e.name), e.name, 1);
  return out;
}

export interface FeatureOptions {
  /** 112×112 aligned crops (no detection) or whole photos (detect the subject: the largest, most central face). */
  aligned: boolean;
  flip?: boolean;
  /** Gives the vision pipeline; called only when some file is not cached. */
  pipeline: () => Promise<FacePipeline>;
  /** Dispose the pipeline when done (true when `pipeline` opens a fresh one; false for a shared engine pipeline). */
  releasePipeline?: boolean;
  onProgress?: (done: number, total: number, cached: number) => void;
}

export type FeatureResult = { feature: Float32Array } | { reason: string };

let modelId: string | undefined;
/** The recognizer's identity: its sha256 from resources/models/manifest.json, or hashed from the file. */
export function recognizerId(): string {
  if (modelId) return modelId;
  try {
    const manifest = JSON.parse(readFileSync(join(modelsDir(), 'manifest.json'), 'utf8')) as {
      models: { file: string; sha256: string }[];
    };
    modelId = manifest.models.find((m) => m.file === MODEL_FILES.recognizer)?.sha256;
  } catch {
    /* fall through to hashing the file */
  }
  modelId ??= sha256File(modelPath(MODEL_FILES.recognizer));
  return modelId;
}

/** Features of `paths` (absolute), from the cache or computed once and cached; failures carry their reason. */
export async function featuresOf(
  db: Db,
  paths: readonly string[],
  o: FeatureOptions,
): Promise<Map<string, FeatureResult>> {
  const mode = o.aligned ? 'aligned' : 'detect';
  const flip = o.flip ?? false;
  // A whole photo's feature also depends on how its face is found and aligned ([Note: pipeline version]).
  const model = o.aligned ? recognizerId() : `${recognizerId()}+${PIPELINE_VERSION}`;
  const cache = new FeatureCache(db);
  cache.forgetOthers(mode, model); // never read again: another recognizer or pipeline computed them
  const out = new Map<string, FeatureResult>();
  let pipeline: FacePipeline | undefined;
  let cached = 0;
  try {
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i]!;
      let bytes: Buffer;
      try {
        // Never blocks on a FIFO, never reads past the size cap ([Note: user-named files]).
        bytes = (await readPhotoFile(path)).bytes;
      } catch (err) {
        out.set(path, { reason: err instanceof ReadError ? `${err.code}: ${err.message}` : 'unreadable' });
        continue;
      }
      const hash = hashBytes(bytes);
      const hit = cache.get(hash, mode, flip, model);
      if (hit) {
        cached++;
        out.set(path, hit);
      } else {
        pipeline ??= await o.pipeline();
        const r = await computeFeature(pipeline, bytes, o);
        cache.put(hash, mode, flip, model, r);
        out.set(path, r);
      }
      o.onProgress?.(i + 1, paths.length, cached);
    }
  } finally {
    if (o.releasePipeline) await pipeline?.dispose();
  }
  return out;
}

async function computeFeature(p: FacePipeline, bytes: Uint8Array, o: FeatureOptions): Promise<FeatureResult> {
  try {
    const img = await decodeImage(bytes);
    if (o.aligned) {
      if (img.width !== 112 || img.height !== 112)
        return { reason: `not a 112x112 aligned crop (${img.width}x${img.height}); drop --aligned for whole photos` };
      return { feature: (await p.embedAligned([img.data], o.flip ?? false))[0]! };
    }
    const subject = pickSubject(await p.detect(img), img.width, img.height);
    if (!subject) return { reason: 'no face found' };
    return { feature: (await p.describe(img, subject, { flip: o.flip ?? false })).feature };
  } catch (err) {
    return { reason: err instanceof DecodeError ? `${err.code}: ${err.message}` : (err as Error).message };
  }
}

/** A path shown to the user: relative to the root, with '/' separators. */
export function shown(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
