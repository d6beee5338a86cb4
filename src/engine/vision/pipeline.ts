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
import type { DecodedImage } from '../image/decode.js';
import { alignFace as align } from './align.js';
import { FaceDetector, detectorOptions, type DetectorOptions } from './detector.js';
import { LandmarkModel, fiveFrom68, landmarkOptions, type LandmarkOptions } from './landmarks.js';
import { openSession, type ExecutionProvider, type ProviderFallback, type SessionOptions } from './ort.js';
import { faceQuality } from './quality.js';
import { Recognizer } from './recognizer.js';
import type { Box, Detection, FaceResult, Point } from './types.js';

export type { Box, Detection, FaceResult, Point } from './types.js';

export const MODEL_FILES = {
  detector: 'fr_detect.onnx',
  landmarks: 'fr_landmark.onnx',
  recognizer: 'fr_feature.onnx',
} as const;

export interface PipelineOptions extends SessionOptions {
  detector?: Partial<DetectorOptions>;
  landmarks?: Partial<LandmarkOptions>;
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
    return this.exclusive(() => this.detector.detect(image));
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
    return this.exclusive(async () => {
      let dets = await this.detector.detect(image);
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
    return dets.map((d, i) => ({
      box: d.box,
      score: d.score,
      landmarks: landmarks[i]!,
      feature: features[i]!,
      quality: faceQuality(landmarks[i]!, d.score, aligned[i]!, features[i]!).quality,
      ...(opts.keepAligned ? { aligned: aligned[i]! } : {}),
    }));
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
