// Engine (cluster): float32 matrix products on onnxruntime's CPU GEMM, from a tiny ONNX graph written in memory.
import ort from 'onnxruntime-node';

/**
 * [Note: GEMM on ORT] The PCA projection of 100k embeddings is 6.5 G multiply-adds: about 5 s of plain
 * JavaScript per core, and well under a second in onnxruntime's SIMD, multi-threaded GEMM, which ships with the
 * app anyway. The model is one MatMul node over two inputs; its bytes are the ONNX protobuf written by hand
 * below (no initializers, so no tensor encoding is needed).
 */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const field = (no: number, wire: number) => varint((no << 3) | wire);
const int = (no: number, v: number) => [...field(no, 0), ...varint(v)];
const bytes = (no: number, b: number[]) => [...field(no, 2), ...varint(b.length), ...b];
const str = (no: number, s: string) => bytes(no, [...Buffer.from(s, 'utf8')]);

/** ValueInfoProto for a float tensor with symbolic dimensions. */
function valueInfo(name: string, dims: string[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, str(2, d)));
  const tensorType = [...int(1, 1), ...bytes(2, shape)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

function matmulModel(): Uint8Array {
  const node = [...str(1, 'A'), ...str(1, 'B'), ...str(2, 'Y'), ...str(3, 'mm'), ...str(4, 'MatMul')];
  const graph = [
    ...bytes(1, node),
    ...str(2, 'matmul'),
    ...bytes(11, valueInfo('A', ['m', 'k'])),
    ...bytes(11, valueInfo('B', ['k', 'n'])),
    ...bytes(12, valueInfo('Y', ['m', 'n'])),
  ];
  const opset = [...str(1, ''), ...int(2, 13)];
  return Uint8Array.from([...int(1, 8), ...str(2, 'facelens'), ...bytes(7, graph), ...bytes(8, opset)]);
}

let session: Promise<ort.InferenceSession> | undefined;

/** A (m x k, row-major) times B (k x n): m x n, row-major. Large A is fed in row blocks to bound memory. */
export async function matmul(
  a: Float32Array,
  m: number,
  k: number,
  b: Float32Array,
  n: number,
  threads = 2,
): Promise<Float32Array> {
  session ??= ort.InferenceSession.create(matmulModel(), { intraOpNumThreads: threads, executionProviders: ['cpu'] });
  const s = await session;
  const out = new Float32Array(m * n);
  const block = Math.max(1, Math.floor(4_000_000 / Math.max(1, k)));
  // onnxruntime-node refuses tensors on shared memory: such rows are copied a block (16 MB) at a time.
  const rowsOf = a.buffer instanceof SharedArrayBuffer ? a.slice.bind(a) : a.subarray.bind(a);
  const tb = new ort.Tensor('float32', b, [k, n]);
  for (let r = 0; r < m; r += block) {
    const rows = Math.min(block, m - r);
    const ta = new ort.Tensor('float32', rowsOf(r * k, (r + rows) * k), [rows, k]);
    const res = await s.run({ A: ta, B: tb });
    out.set(res.Y!.data as Float32Array, r * n);
    res.Y!.dispose?.();
  }
  return out;
}
