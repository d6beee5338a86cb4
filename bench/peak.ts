// Bench helper: what one core of this machine does in fp32, measured with ONNX Runtime's own matrix multiply (one thread).
// usage (alone): node --import tsx bench/peak.ts
import { fileURLToPath } from 'node:url';
import { field, writeNode } from '../src/engine/vision/onnx-graph.js';
import { ort } from '../src/engine/vision/ort.js';

/**
 * [Note: embedding floor] The recognizer costs 0.442 GFLOP a face: 2 x Cout x H x W x Cin/groups x kh x kw summed
 * over its 50 convolutions, with the shapes ORT's profiler reports for a 112x112 crop (PRelu and Add are
 * negligible). No implementation on one core embeds a face faster than that arithmetic at the core's fp32 rate,
 * which bench/import.ts measures each run (gemmGflops below, [Note: measured floor]): about 96 GFLOP/s (4.6 ms a
 * face) on the AMD EPYC host the VM ran on until 2026-11-30, about 195 GFLOP/s (2.3 ms) on the full-width AVX-512
 * host of 2026-12-01.
 */
export const EMBED_GFLOP = 0.442;

/**
 * [Note: measured floor] An embedding cannot cost less than its arithmetic at the rate this core does arithmetic.
 * The rate is measured here, not assumed: the project's VM has run on two different hosts (an AMD EPYC doing
 * AVX-512 as two 256-bit halves, about 96 GFLOP/s a core, and one with full 512-bit units that embeds twice as
 * fast), so a constant written down on one of them says nothing on the other. ONNX Runtime's single-threaded
 * SGEMM on 512x512 matrices runs at close to the core's peak (its kernels are the ones the recognizer's 1x1
 * convolutions use), so 0.442 GFLOP at that rate is the floor a face can be embedded at.
 */
export async function gemmGflops(size = 512, reps = 40): Promise<number> {
  const session = await ort.InferenceSession.create(matMulModel(size), {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const fill = () => Float32Array.from({ length: size * size }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const feeds = {
    A: new ort.Tensor('float32', fill(), [size, size]),
    B: new ort.Tensor('float32', fill(), [size, size]),
  };
  for (let i = 0; i < 5; i++) await session.run(feeds); // warm-up
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await session.run(feeds);
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  await session.release();
  return (2 * size ** 3) / (best * 1e6);
}

/** An ONNX model holding one MatMul C = A x B of two size x size float inputs (onnx.proto field numbers). */
function matMulModel(size: number): Uint8Array {
  const cat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));
  const text = (s: string) => new TextEncoder().encode(s);
  const dim = () => field(1, field(1, size)); // TensorShapeProto.dim { dim_value }
  const tensorType = field(1, cat(field(1, 1), field(2, cat(dim(), dim())))); // float, [size, size]
  const valueInfo = (f: number, name: string) => field(f, cat(field(1, text(name)), field(2, tensorType)));
  const node = writeNode({ op: 'MatMul', inputs: ['A', 'B'], outputs: ['C'], name: 'mm' });
  const graph = cat(field(1, node), field(2, text('peak')), valueInfo(11, 'A'), valueInfo(11, 'B'), valueInfo(12, 'C'));
  return cat(field(1, 8), field(7, graph), field(8, cat(field(1, text('')), field(2, 13)))); // IR 8, opset 13
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const g = await gemmGflops();
  console.log(
    `one core, ORT SGEMM 512x512: ${g.toFixed(1)} GFLOP/s; a ${EMBED_GFLOP} GFLOP face: ${((EMBED_GFLOP * 1000) / g).toFixed(2)} ms`,
  );
}
