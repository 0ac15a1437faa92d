/**
 * Dot-product and squared-distance kernels in WebAssembly SIMD (f32x4). Plain JavaScript loops
 * over a `Float32Array` reach about 0.5 GFLOP/s here; four lanes per instruction reach several.
 *
 * The module is assembled from bytes below (no build step, no toolchain): two exported functions
 * over one exported memory,
 *   dot(query, data, rows, stride, out):  out[r] = Σ query[j]·data[r·stride + j]
 *   l2(query, data, rows, stride, out):   out[r] = −Σ (query[j] − data[r·stride + j])²
 * with byte addresses, `stride` a multiple of `kernelBlock` floats (rows are zero-padded) and f32 results.
 */

const i32 = 0x7f;
const v128 = 0x7b;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Store: 0x38,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  f32Neg: 0x8c,
  f32Add: 0x92,
  simd: 0xfd,
} as const;
// SIMD sub-opcodes, LEB128-encoded.
const v128Zero = [op.simd, 0x0c, ...new Array<number>(16).fill(0)];
const f32x4Add = [op.simd, 0xe4, 0x01];
const f32x4Sub = [op.simd, 0xe5, 0x01];
const f32x4Mul = [op.simd, 0xe6, 0x01];
const extractLane = (lane: number) => [op.simd, 0x1f, lane];

/** Floats per unrolled step: rows are padded to a multiple of this. */
export const kernelBlock = 16;
const accumulators = kernelBlock / 4;

// Locals: parameters 0..4 = query, data, rows, stride, out; then row, j, rowBytes, pointer (i32),
// difference and one accumulator per unrolled lane group (v128).
const [query, data, rows, stride, out, row, j, rowBytes, pointer, difference, firstAccumulator] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const get = (index: number) => [op.localGet, index];
const set = (index: number) => [op.localSet, index];

function kernelBody(squaredDistance: boolean): number[] {
  // Independent accumulators break the add dependency chain so the loop pipelines.
  const step: number[] = [];
  for (let lane = 0; lane < accumulators; lane++) {
    const offset = lane * 16;
    const load = (base: number) => [...get(base), ...get(j), op.i32Add, op.simd, 0x00, 0x02, ...unsigned(offset)];
    const term = squaredDistance
      ? [...load(query), ...load(pointer), ...f32x4Sub, ...set(difference), ...get(difference), ...get(difference), ...f32x4Mul]
      : [...load(query), ...load(pointer), ...f32x4Mul];
    step.push(...get(firstAccumulator + lane), ...term, ...f32x4Add, ...set(firstAccumulator + lane));
  }
  const clear: number[] = [];
  for (let lane = 0; lane < accumulators; lane++) clear.push(...v128Zero, ...set(firstAccumulator + lane));
  const combine: number[] = [...get(firstAccumulator)];
  for (let lane = 1; lane < accumulators; lane++) combine.push(...get(firstAccumulator + lane), ...f32x4Add);
  combine.push(...set(firstAccumulator));
  const code = [
    ...get(stride), op.i32Const, 4, op.i32Mul, ...set(rowBytes),
    ...get(data), ...set(pointer),
    op.block, 0x40,
    ...get(rows), op.i32Eqz, op.brIf, 0,
    op.loop, 0x40,
    ...clear,
    op.i32Const, 0, ...set(j),
    op.loop, 0x40,
    ...step,
    ...get(j), op.i32Const, ...signed(kernelBlock * 4), op.i32Add, op.localTee, j, ...get(rowBytes), op.i32LtU, op.brIf, 0,
    op.end,
    ...combine,
    ...get(out),
    ...get(firstAccumulator), ...extractLane(0),
    ...get(firstAccumulator), ...extractLane(1), op.f32Add,
    ...get(firstAccumulator), ...extractLane(2), op.f32Add,
    ...get(firstAccumulator), ...extractLane(3), op.f32Add,
    ...(squaredDistance ? [op.f32Neg] : []),
    op.f32Store, 0x02, 0x00,
    ...get(out), op.i32Const, 4, op.i32Add, ...set(out),
    ...get(pointer), ...get(rowBytes), op.i32Add, ...set(pointer),
    ...get(row), op.i32Const, 1, op.i32Add, op.localTee, row, ...get(rows), op.i32LtU, op.brIf, 0,
    op.end,
    op.end,
    op.end,
  ];
  const locals = [2, 4, i32, 1 + accumulators, v128];
  return [...locals, ...code];
}

function signed(value: number): number[] {
  const bytes: number[] = [];
  while (true) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

function unsigned(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

const section = (id: number, content: number[]) => [id, ...unsigned(content.length), ...content];
const name = (text: string) => [...unsigned(text.length), ...Buffer.from(text, 'ascii')];

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const dotBody = kernelBody(false);
  const l2Body = kernelBody(true);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 5, i32, i32, i32, i32, i32, 0]),
    ...section(3, [2, 0, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [3, ...name('memory'), 0x02, 0, ...name('dot'), 0x00, 0, ...name('l2'), 0x00, 1]),
    ...section(10, [2, ...unsigned(dotBody.length), ...dotBody, ...unsigned(l2Body.length), ...l2Body]),
  ]);
}

let compiled: WebAssembly.Module | undefined;

/** One kernel instance with its own linear memory. */
export interface SimdKernels {
  readonly memory: WebAssembly.Memory;
  /** Scores `rows` rows; all addresses in bytes, `stride` in floats (a multiple of `kernelBlock`). */
  dot(query: number, data: number, rows: number, stride: number, out: number): void;
  l2(query: number, data: number, rows: number, stride: number, out: number): void;
}

/** A fresh kernel instance; the compiled module is shared. */
export function createSimdKernels(): SimdKernels {
  compiled ??= new WebAssembly.Module(moduleBytes());
  const instance = new WebAssembly.Instance(compiled, {});
  return instance.exports as unknown as SimdKernels;
}
