// Engine (vision): rewrites of an ONNX model's bytes before ORT loads it (dynamic batch, PRelu as fused ops), any thread.
//
// ONNX files are protocol buffers. Only the few messages these rewrites touch are decoded; every other field is
// copied through byte for byte, so a rewritten model differs from its file only where a rewrite says so.
// Field numbers are those of onnx.proto (ModelProto.graph = 7, GraphProto.node = 1, .initializer = 5, .input = 11,
// .output = 12; NodeProto.input = 1, .output = 2, .name = 3, .op_type = 4, .attribute = 5; TensorProto.dims = 1,
// .data_type = 2, .float_data = 4, .int64_data = 7, .name = 8, .raw_data = 9; ValueInfoProto.type = 2;
// TypeProto.tensor_type = 1; TypeProto.Tensor.shape = 2; TensorShapeProto.dim = 1; Dimension.dim_value = 1,
// .dim_param = 2; AttributeProto.name = 1, .f = 2, .type = 20).

/** One field of a protobuf message: number, wire type, value (a number for varints, bytes otherwise). */
interface Field {
  f: number;
  w: number;
  v: number | Uint8Array;
  /** The field's original encoding; dropped when the value changes. */
  raw?: Uint8Array;
}

function readVarint(b: Uint8Array, p: number): [number, number] {
  let r = 0;
  let s = 1;
  for (;;) {
    if (p >= b.length) throw new Error('ONNX model: truncated varint');
    const x = b[p++]!;
    r += (x & 0x7f) * s;
    s *= 128;
    if (!(x & 0x80)) return [r, p];
  }
}

function decode(b: Uint8Array): Field[] {
  const out: Field[] = [];
  let p = 0;
  while (p < b.length) {
    const start = p;
    let key: number;
    [key, p] = readVarint(b, p);
    const f = Math.floor(key / 8);
    const w = key & 7;
    let v: number | Uint8Array;
    if (w === 0) [v, p] = readVarint(b, p);
    else if (w === 2) {
      let len: number;
      [len, p] = readVarint(b, p);
      if (p + len > b.length) throw new Error('ONNX model: truncated field');
      v = b.subarray(p, p + len);
      p += len;
    } else if (w === 5) {
      v = b.subarray(p, p + 4);
      p += 4;
    } else if (w === 1) {
      v = b.subarray(p, p + 8);
      p += 8;
    } else throw new Error(`ONNX model: unsupported protobuf wire type ${w}`);
    out.push({ f, w, v, raw: b.subarray(start, p) });
  }
  return out;
}

function varint(n: number): Uint8Array {
  const o: number[] = [];
  do {
    let x = n % 128;
    n = Math.floor(n / 128);
    if (n) x |= 0x80;
    o.push(x);
  } while (n);
  return Uint8Array.from(o);
}

const concat = (parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);
const text = (s: string) => new TextEncoder().encode(s);
const str = (v: number | Uint8Array) => (typeof v === 'number' ? String(v) : new TextDecoder().decode(v));

/** One encoded protobuf field: a varint (numbers), length-delimited bytes, or 4 fixed bytes (wire type 5). */
export function field(f: number, v: number | Uint8Array, w = typeof v === 'number' ? 0 : 2): Uint8Array {
  if (w === 0) return concat([varint(f * 8), varint(v as number)]);
  if (w === 2) return concat([varint(f * 8 + 2), varint((v as Uint8Array).length), v as Uint8Array]);
  if (w === 5) return concat([varint(f * 8 + 5), v as Uint8Array]);
  throw new Error(`cannot encode wire type ${w}`);
}

function encode(fields: Field[]): Uint8Array {
  return concat(fields.map((x) => x.raw ?? field(x.f, x.v, x.w)));
}

/** Replaces the bytes of every length-delimited field `f` with `fn(bytes)` (unchanged when fn returns its input). */
function edit(msg: Uint8Array, f: number, fn: (v: Uint8Array) => Uint8Array): Uint8Array {
  const fields = decode(msg);
  let changed = false;
  for (const x of fields) {
    if (x.f !== f || x.w !== 2) continue;
    const nv = fn(x.v as Uint8Array);
    if (nv === x.v) continue;
    x.v = nv;
    delete x.raw;
    changed = true;
  }
  return changed ? encode(fields) : msg;
}

const bytesOf = (fields: Field[], f: number) => fields.find((x) => x.f === f && x.w === 2)?.v as Uint8Array | undefined;

interface Tensor {
  name: string;
  dims: number[];
  dataType: number;
  /** float32 (data type 1) or int64 (7) values, as numbers (decoded on first use: most weights are never read). */
  values: number[];
}

const FLOAT = 1;
const INT64 = 7;

function unpackVarints(u: Uint8Array, into: number[]): void {
  for (let p = 0; p < u.length;) {
    let v: number;
    [v, p] = readVarint(u, p);
    into.push(v);
  }
}

function readTensor(b: Uint8Array): Tensor {
  const fs = decode(b);
  const dims: number[] = [];
  for (const x of fs) {
    if (x.f !== 1) continue;
    if (x.w === 0) dims.push(x.v as number);
    else unpackVarints(x.v as Uint8Array, dims);
  }
  const dataType = (fs.find((x) => x.f === 2)?.v as number) ?? 0;
  let values: number[] | undefined;
  const decodeValues = (): number[] => {
    const out: number[] = [];
    const raw = bytesOf(fs, 9);
    const floats = (u: Uint8Array) => new Float32Array(new Uint8Array(u).buffer).forEach((v) => out.push(v));
    if (raw) {
      if (dataType === FLOAT) floats(raw);
      else if (dataType === INT64) new BigInt64Array(new Uint8Array(raw).buffer).forEach((v) => out.push(Number(v)));
    } else if (dataType === FLOAT) {
      for (const x of fs.filter((y) => y.f === 4)) floats(x.v as Uint8Array); // packed, or one fixed32 each
    } else if (dataType === INT64) {
      // int64_data: varints (two's complement in 64 bits, so read exactly, as BigInt), packed or one per field.
      const big = (u: Uint8Array) => {
        for (let p = 0; p < u.length;) {
          let r = 0n;
          let shift = 0n;
          for (;;) {
            const b = u[p++]!;
            r |= BigInt(b & 0x7f) << shift;
            shift += 7n;
            if (!(b & 0x80)) break;
          }
          out.push(Number(BigInt.asIntN(64, r)));
        }
      };
      for (const x of fs.filter((y) => y.f === 7))
        big(x.w === 0 ? (x.raw as Uint8Array).subarray(1) : (x.v as Uint8Array));
    }
    return out;
  };
  return {
    name: str(bytesOf(fs, 8) ?? new Uint8Array()),
    dims,
    dataType,
    get values() {
      return (values ??= decodeValues());
    },
  };
}

function writeTensor(t: Tensor): Uint8Array {
  const data =
    t.dataType === FLOAT
      ? new Uint8Array(Float32Array.from(t.values).buffer)
      : new Uint8Array(BigInt64Array.from(t.values.map((v) => BigInt(v))).buffer);
  return concat([...t.dims.map((d) => field(1, d)), field(2, t.dataType), field(8, text(t.name)), field(9, data)]);
}

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
}

function readNode(b: Uint8Array): Node {
  const fs = decode(b);
  return {
    op: str(bytesOf(fs, 4) ?? new Uint8Array()),
    inputs: fs.filter((x) => x.f === 1).map((x) => str(x.v)),
    outputs: fs.filter((x) => x.f === 2).map((x) => str(x.v)),
    name: str(bytesOf(fs, 3) ?? new Uint8Array()),
  };
}

/** An encoded NodeProto (its fields; wrap it with field(1, ...) to put it in a GraphProto). */
export function writeNode(n: Node, attributes: Uint8Array[] = []): Uint8Array {
  return concat([
    ...n.inputs.map((i) => field(1, text(i))),
    ...n.outputs.map((o) => field(2, text(o))),
    field(3, text(n.name)),
    field(4, text(n.op)),
    ...attributes.map((a) => field(5, a)),
  ]);
}

/** AttributeProto of one float (type FLOAT = 1). */
const floatAttribute = (name: string, v: number) =>
  concat([field(1, text(name)), field(2, new Uint8Array(Float32Array.of(v).buffer), 5), field(20, 1)]);

/** Sets the first dimension of a ValueInfoProto's tensor shape to the symbolic `param`. */
function symbolicFirstDim(valueInfo: Uint8Array, param: string): Uint8Array {
  return edit(valueInfo, 2, (type) =>
    edit(type, 1, (tensorType) =>
      edit(tensorType, 2, (shape) => {
        const dims = decode(shape);
        const first = dims.find((x) => x.f === 1);
        if (!first) return shape;
        first.v = field(2, text(param));
        delete first.raw;
        return encode(dims);
      }),
    ),
  );
}

export interface ModelRewrite {
  /**
   * [Note: dynamic batch] The shipped models declare batch 1 on every input and output. The first dimension of
   * each becomes symbolic, and a Reshape whose constant target shape starts with 1 (MobileFaceNet's flatten,
   * [1, -1]) copies that dimension instead (0), so one run can take a batch of crops or tiles.
   */
  dynamicBatch?: boolean;
  /**
   * [Note: PRelu on CPU] ORT's CPU PRelu is a generic broadcasting kernel and breaks the blocked (NCHWc) layout
   * the convolutions run in: in the recognizer its 33 PRelus took 5.9 of 11.6 ms (profiled, 1 thread). Each
   * becomes PRelu(x) = (1-a)·Relu(x) + a·x, written as Relu, two per-channel BatchNormalizations (scale only) and
   * an Add, which ORT's NCHWc transformer keeps in the blocked layout (a scale becomes a depthwise convolution,
   * the Add fuses into it): the same function (max difference 3e-7 on the 512 outputs) at about half the time.
   */
  expandPRelu?: boolean;
}

/** The model with the rewrites applied (the input is not modified). */
export function rewriteModel(model: Uint8Array, r: ModelRewrite): Uint8Array {
  if (!r.dynamicBatch && !r.expandPRelu) return model;
  return edit(model, 7, (graph) => {
    const fields = decode(graph);
    const tensors = new Map<string, { field: Field; tensor: Tensor }>();
    for (const x of fields)
      if (x.f === 5) {
        const t = readTensor(x.v as Uint8Array);
        tensors.set(t.name, { field: x, tensor: t });
      }
    const out: Field[] = [];
    const added: Field[] = [];
    const slopes = new Set<string>();
    let k = 0;
    for (const x of fields) {
      if (r.dynamicBatch && (x.f === 11 || x.f === 12)) {
        // Graph inputs may list initializers too (older exporters): only real inputs get a batch dimension.
        const name = str(bytesOf(decode(x.v as Uint8Array), 1) ?? new Uint8Array());
        if (!tensors.has(name)) {
          out.push({ f: x.f, w: 2, v: symbolicFirstDim(x.v as Uint8Array, 'batch') });
          continue;
        }
      }
      if (x.f !== 1) {
        out.push(x);
        continue;
      }
      const node = readNode(x.v as Uint8Array);
      if (r.dynamicBatch && node.op === 'Reshape') {
        const shape = tensors.get(node.inputs[1] ?? '');
        if (shape && shape.tensor.dataType === INT64 && shape.tensor.values[0] === 1) {
          const t = shape.tensor;
          const fixed = { name: t.name, dims: t.dims, dataType: t.dataType, values: [0, ...t.values.slice(1)] };
          shape.field.v = writeTensor(fixed);
          delete shape.field.raw;
        }
      }
      const slope = node.op === 'PRelu' ? tensors.get(node.inputs[1] ?? '') : undefined;
      if (!r.expandPRelu || !slope || slope.tensor.dataType !== FLOAT) {
        out.push(x);
        continue;
      }
      const a = slope.tensor.values;
      const c = a.length;
      const p = `facelens_prelu${k++}_`;
      const tensor = (name: string, values: number[]) =>
        added.push({ f: 5, w: 2, v: writeTensor({ name: p + name, dims: [c], dataType: FLOAT, values }) });
      tensor('a', a);
      tensor(
        'b',
        a.map((v) => 1 - v),
      );
      tensor('zero', new Array<number>(c).fill(0));
      tensor('one', new Array<number>(c).fill(1));
      const [xin] = node.inputs;
      const [y] = node.outputs;
      const scale = (input: string, by: string, output: string) =>
        out.push({
          f: 1,
          w: 2,
          v: writeNode(
            {
              op: 'BatchNormalization',
              inputs: [input, p + by, p + 'zero', p + 'zero', p + 'one'],
              outputs: [output],
              name: output,
            },
            [floatAttribute('epsilon', 0)],
          ),
        });
      out.push({ f: 1, w: 2, v: writeNode({ op: 'Relu', inputs: [xin!], outputs: [p + 'relu'], name: p + 'relu' }) });
      scale(p + 'relu', 'b', p + 'pos');
      scale(xin!, 'a', p + 'lin');
      out.push({
        f: 1,
        w: 2,
        v: writeNode({ op: 'Add', inputs: [p + 'pos', p + 'lin'], outputs: [y!], name: p + 'add' }),
      });
      slopes.add(slope.tensor.name);
    }
    // The slopes of expanded PRelus go when nothing else reads them (ORT warns about unused initializers).
    const used = new Set(out.filter((x) => x.f === 1).flatMap((x) => readNode(x.v as Uint8Array).inputs));
    const unused = (x: Field) => {
      if (x.f !== 5 && x.f !== 11) return false;
      const name = x.f === 5 ? readTensor(x.v as Uint8Array).name : str(bytesOf(decode(x.v as Uint8Array), 1)!);
      return slopes.has(name) && !used.has(name);
    };
    return encode([...added, ...out.filter((x) => !unused(x))]);
  });
}

/** Names and op types of the model's nodes, and its initializers' names (for tests and diagnostics). */
export function describeModel(model: Uint8Array): { ops: Record<string, number>; initializers: string[] } {
  const graph = bytesOf(decode(model), 7);
  if (!graph) throw new Error('not an ONNX model (no graph)');
  const fs = decode(graph);
  const ops: Record<string, number> = {};
  for (const x of fs.filter((y) => y.f === 1)) {
    const op = readNode(x.v as Uint8Array).op;
    ops[op] = (ops[op] ?? 0) + 1;
  }
  return { ops, initializers: fs.filter((y) => y.f === 5).map((y) => readTensor(y.v as Uint8Array).name) };
}
