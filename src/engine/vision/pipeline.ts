// Engine (vision): the face pipeline — detect, 68 landmarks -> 5 points, ArcFace alignment, 512-D backbone feature.
//
// API (consumed by the importer, verify and the benches):
//   const p = await FacePipeline.load({ threads?, setting?, providers?, dir? })   // ORT sessions (CPU here; CUDA/DML/CoreML when present)
//   await p.analyze(image: DecodedImage, { keepAligned? })  -> FaceResult[] (box, score, 5 landmarks, raw feature, quality)
//   await p.describeMany(image, detections) -> FaceResult[]   // every face of a photo: landmarks and features in batches
//   await p.embedAligned(crops: Uint8Array[] /* 112x112x3 RGB */, flip?) -> Float32Array[] (raw features)
//   p.alignFace(image, landmarks) -> Uint8Array 112x112x3;  p.provider;  await p.dispose()
// Calls on one pipeline run one at a time (they share input buffers; overlapping calls queue up). Inference runs on
// the calling thread (see [Note: ORT threads]): the import runs one pipeline per worker thread.
import { createHash } from 'node:crypto';
import type { DecodedImage } from '../image/decode.js';
import { alignFace as align, applySimilarity } from './align.js';
import { FaceDetector, detectorOptions, type DetectorOptions } from './detector.js';
import { LandmarkModel, fiveFrom68, landmarkOptions, type LandmarkOptions } from './landmarks.js';
import { openSession, type ExecutionProvider, type ProviderFallback, type SessionOptions } from './ort.js';
import { faceQuality, featureNorm } from './quality.js';
import { Recognizer } from './recognizer.js';
import { turnOptions, turnedView, worthTurning, type TurnOptions } from './turned.js';
import type { Box, Detection, FaceResult, Point } from './types.js';

export type { Box, Detection, FaceResult, Point } from './types.js';

export const MODEL_FILES = {
  detector: 'fr_detect.onnx',
  landmarks: 'fr_landmark.onnx',
  recognizer: 'fr_feature.onnx',
} as const;

/**
 * [Note: pipeline version] What a photo's face features depend on besides the recognizer file: the detector, the
 * landmarks, the alignment and the turned-face retry, their options included. Features cached by content hash
 * (the training and Verify feature cache) carry it, so a Facelens that finds or aligns faces differently computes
 * them again instead of reusing the old ones. Raise `revision` with any change to that code that moves a feature.
 */
export const PIPELINE_VERSION = (() => {
  const revision = 2; // 2: turned faces ([Note: turned faces]) and face fragments ([Note: face fragments])
  const h = createHash('sha256').update(JSON.stringify({ revision, detectorOptions, landmarkOptions, turnOptions }));
  return `p${revision}-${h.digest('hex').slice(0, 8)}`;
})();

export interface PipelineOptions extends SessionOptions {
  detector?: Partial<DetectorOptions>;
  landmarks?: Partial<LandmarkOptions>;
  /** Looking again at faces that lie turned round (see [Note: turned faces]); `turns: []` turns it off. */
  turn?: Partial<TurnOptions>;
}

export interface AnalyzeOptions {
  /** Also return each face's 112x112x3 aligned crop (for thumbnails and tests). */
  keepAligned?: boolean;
  /** Feature of crop + mirrored crop. */
  flip?: boolean;
  /** At most this many faces, largest first (e.g. 1 for verification). */
  maxFaces?: number;
}

type Image = Pick<DecodedImage, 'data' | 'width' | 'height'>;

export class FacePipeline {
  private disposed = false;
  private disposing?: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();
  private constructor(
    readonly detector: FaceDetector,
    readonly landmarks: LandmarkModel,
    readonly recognizer: Recognizer,
    /** The execution provider the recognizer runs on ('cpu' here). */
    readonly provider: ExecutionProvider,
    /** Providers tried before it that could not load, with ORT's reason. */
    readonly fallbacks: ProviderFallback[],
    private readonly sessions: { release(): Promise<void> }[],
    private readonly turn: TurnOptions,
  ) {}

  static async load(opts: PipelineOptions = {}): Promise<FacePipeline> {
    // See [Note: dynamic batch] and [Note: PRelu on CPU] (GPU providers run PRelu well as it is). CoreML gets the
    // files as shipped: its provider takes static shapes best, and the models then run one crop or tile at a time.
    const batch = (p: ExecutionProvider) => ({ dynamicBatch: p !== 'coreml' });
    const [det, lmk, rec] = await Promise.all([
      openSession(MODEL_FILES.detector, { ...opts, rewrite: batch }),
      openSession(MODEL_FILES.landmarks, { ...opts, rewrite: batch }),
      openSession(MODEL_FILES.recognizer, { ...opts, rewrite: (p) => ({ ...batch(p), expandPRelu: p === 'cpu' }) }),
    ]);
    return new FacePipeline(
      // Tiles in batches only where they buy time (a GPU); on the CPU a batch costs what its tiles cost one by one
      // and its activations stay in ORT's arena (measured: 8-tile batches raise peak RSS by 41 MB).
      new FaceDetector(det, {
        ...detectorOptions,
        ...(det.provider === 'cpu' ? { batchTiles: 1 } : {}),
        ...opts.detector,
      }),
      new LandmarkModel(lmk, { ...landmarkOptions, ...opts.landmarks }),
      new Recognizer(rec),
      rec.provider,
      rec.fallbacks,
      [det.session, lmk.session, rec.session],
      { ...turnOptions, ...opts.turn },
    );
  }

  private check() {
    if (this.disposed) throw new Error('FacePipeline used after dispose()');
  }

  /** Runs `fn` after every call queued before it (the models share their input buffers). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    try {
      this.check();
    } catch (err) {
      return Promise.reject(err);
    }
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Face boxes only (no landmarks or features). */
  detect(image: Image): Promise<Detection[]> {
    const started = this.detector.start(image); // before the queue: see FaceDetector.start
    return this.exclusive(() => this.detector.detect(image, started));
  }

  /** The 5 ArcFace landmarks (photo pixels) of the face in `box`. */
  landmarks5(image: Image, box: Box): Promise<Point[]> {
    return this.exclusive(async () => fiveFrom68(await this.landmarks.predict(image, box)));
  }

  alignFace(image: Image, landmarks: readonly Point[]): Uint8Array {
    return align(image, landmarks);
  }

  /** Every face in the photo, largest first. */
  analyze(image: Image, opts: AnalyzeOptions = {}): Promise<FaceResult[]> {
    const started = this.detector.start(image); // before the queue, as detect
    return this.exclusive(async () => {
      let dets = await this.detector.detect(image, started);
      dets.sort((a, b) => b.box.w * b.box.h - a.box.w * a.box.h);
      if (opts.maxFaces !== undefined) dets = dets.slice(0, opts.maxFaces);
      return this.describeManyNow(image, dets, opts);
    });
  }

  /** Landmarks, alignment, feature and quality of each detection, the model runs batched over all of them. */
  describeMany(image: Image, dets: readonly Detection[], opts: AnalyzeOptions = {}): Promise<FaceResult[]> {
    return this.exclusive(() => this.describeManyNow(image, dets, opts));
  }

  private async describeManyNow(image: Image, dets: readonly Detection[], opts: AnalyzeOptions): Promise<FaceResult[]> {
    if (dets.length === 0) return [];
    const pts = await this.landmarks.predictMany(
      image,
      dets.map((d) => d.box),
    );
    const landmarks = pts.map((p) => fiveFrom68(p));
    const aligned = landmarks.map((l) => align(image, l));
    const features = await this.recognizer.embedMany(aligned, opts.flip ?? false);
    const quality = dets.map((d, i) => faceQuality(landmarks[i]!, d.score, aligned[i]!, features[i]!).quality);
    await this.turnNow(image, dets, { landmarks, aligned, features, quality }, opts.flip ?? false);
    return dets.map((d, i) => ({
      box: d.box,
      score: d.score,
      landmarks: landmarks[i]!,
      feature: features[i]!,
      quality: quality[i]!,
      ...(opts.keepAligned ? { aligned: aligned[i]! } : {}),
    }));
  }

  /**
   * Faces below the quality gate that the detector is sure of, looked at again turned round (see [Note: turned
   * faces]): a turned alignment replaces the upright one when the recognizer finds it clearly clearer (`gain`,
   * `accept`). Updates `faces` in place.
   */
  private async turnNow(
    image: Image,
    dets: readonly Detection[],
    faces: { landmarks: Point[][]; aligned: Uint8Array[]; features: Float32Array[]; quality: number[] },
    flip: boolean,
  ): Promise<void> {
    const o = this.turn;
    const tried: { i: number; landmarks: Point[]; aligned: Uint8Array }[] = [];
    for (const [i, d] of dets.entries()) {
      if (!worthTurning(d.box, d.score, faces.quality[i]!, o)) continue;
      // Only the turn whose landmarks hold steadiest is embedded (an embedding costs three landmark passes).
      let steadiest: { moved: number; five: Point[] } | undefined;
      for (const k of o.turns) {
        const view = turnedView(image, d.box, k, o);
        const { points, moved } = await this.landmarks.predictSteadiness(view.image, view.box);
        if (steadiest && moved >= steadiest.moved) continue;
        steadiest = { moved, five: fiveFrom68(points).map((p) => applySimilarity(view.toPhoto, p)) };
      }
      if (steadiest) tried.push({ i, landmarks: steadiest.five, aligned: align(image, steadiest.five) });
    }
    if (tried.length === 0) return;
    const features = await this.recognizer.embedMany(
      tried.map((t) => t.aligned),
      flip,
    );
    // The clearest turn per face, kept when its feature norm beats the upright alignment's by `gain` and its
    // quality reaches `accept`.
    const need = new Map<number, number>(tried.map((t) => [t.i, featureNorm(faces.features[t.i]!) + o.gain]));
    for (const [j, t] of tried.entries()) {
      const f = features[j]!;
      const norm = featureNorm(f);
      if (norm < need.get(t.i)!) continue;
      const quality = faceQuality(t.landmarks, dets[t.i]!.score, t.aligned, f).quality;
      if (quality < o.accept) continue;
      need.set(t.i, norm);
      faces.landmarks[t.i] = t.landmarks;
      faces.aligned[t.i] = t.aligned;
      faces.features[t.i] = f;
      faces.quality[t.i] = quality;
    }
  }

  /** Landmarks, alignment, feature and quality of one detection. */
  describe(image: Image, d: Detection, opts: AnalyzeOptions = {}): Promise<FaceResult> {
    return this.exclusive(() => this.describeNow(image, d, opts));
  }

  private async describeNow(image: Image, d: Detection, opts: AnalyzeOptions): Promise<FaceResult> {
    return (await this.describeManyNow(image, [d], opts))[0]!;
  }

  /** Raw features of already-aligned 112x112x3 RGB crops. */
  embedAligned(crops: Uint8Array[], flip = false): Promise<Float32Array[]> {
    return this.exclusive(() => this.recognizer.embedMany(crops, flip));
  }

  /** Releases the ORT sessions once the calls already queued have finished. */
  dispose(): Promise<void> {
    this.disposed = true; // calls made from now on are refused; queued ones still finish
    this.disposing ??= this.queue.then(async () => {
      await Promise.all(this.sessions.map((s) => s.release()));
    });
    return this.disposing;
  }
}
