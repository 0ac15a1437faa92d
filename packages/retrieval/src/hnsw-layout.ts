/**
 * Graph reordering for hnswlib's saved index format (hnswlib 0.8, as bundled by hnswlib-node 3).
 *
 * hnswlib numbers nodes in insertion order and stores each node's level-0 links, vector and label
 * in one row of a flat block, so a search's memory accesses follow the internal numbering. Points
 * inserted in random order scatter each neighbourhood across the whole block and nearly every
 * visited node is a cache miss. Renumbering the nodes in breadth-first order of the level-0 graph
 * puts neighbours next to each other in memory (Coleman et al., "Graph Reordering for
 * Cache-Efficient Near Neighbor Search", NeurIPS 2022). The graph itself, and so every search
 * result, is unchanged: only the internal numbers and the row order move. Labels, delete marks and
 * the entry point travel with their node.
 *
 * File layout (hnswalg.h `saveIndex`): a 96-byte header (offsetLevel0, maxElements,
 * curElementCount, sizeDataPerElement, labelOffset, offsetData as 64-bit sizes; maxLevel int32;
 * enterpointNode uint32; maxM, maxM0, M as 64-bit sizes; mult float64; efConstruction 64-bit),
 * then curElementCount rows of sizeDataPerElement bytes (link count uint16 + flags, maxM0 uint32
 * links, the vector, the 64-bit label), then per node a uint32 byte size and that many bytes of
 * upper-level link lists (per level: count uint16 + flags, maxM uint32 links).
 */

const headerBytes = 96;

/** The parts of the header the reordering needs. */
export interface HnswFileHeader {
  offsetLevel0: number;
  count: number;
  rowBytes: number;
  entryPoint: number;
  maxM: number;
  maxM0: number;
}

function readHeader(view: DataView): HnswFileHeader {
  const size = (offset: number) => Number(view.getBigUint64(offset, true));
  return {
    offsetLevel0: size(0),
    count: size(16),
    rowBytes: size(24),
    entryPoint: view.getUint32(52, true),
    maxM: size(56),
    maxM0: size(64),
  };
}

/**
 * Breadth-first order of the level-0 graph from the entry point (nodes it does not reach follow
 * in their old order): `order[new] = old`.
 */
function breadthFirstOrder(bytes: Uint8Array, header: HnswFileHeader): Uint32Array {
  const { count, rowBytes, offsetLevel0, maxM0 } = header;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const order = new Uint32Array(count);
  const seen = new Uint8Array(count);
  let tail = 0;
  const visit = (start: number) => {
    seen[start] = 1;
    order[tail++] = start;
    for (let head = tail - 1; head < tail; head++) {
      const row = headerBytes + order[head]! * rowBytes + offsetLevel0;
      const links = Math.min(view.getUint16(row, true), maxM0);
      for (let link = 0; link < links; link++) {
        const neighbour = view.getUint32(row + 4 + link * 4, true);
        if (neighbour < count && seen[neighbour] === 0) {
          seen[neighbour] = 1;
          order[tail++] = neighbour;
        }
      }
    }
  };
  if (count > 0) visit(Math.min(header.entryPoint, count - 1));
  for (let node = 0; node < count; node++) if (seen[node] === 0) visit(node);
  return order;
}

/** A parsed, size-checked hnswlib file: its header and where each node's upper-level lists start. */
export interface CheckedHnswFile {
  header: HnswFileHeader;
  upperStart: Float64Array;
}

/**
 * Checks that bytes hold a whole hnswlib index: the header's rows fit, and the upper-level link lists end exactly
 * at the end of the file. hnswlib writes without checking its stream, so a full disk leaves a short file and no error.
 */
export function checkHnswFile(input: Uint8Array): CheckedHnswFile {
  if (input.byteLength < headerBytes) throw new Error(`hnswlib index of ${input.byteLength} bytes is shorter than its header`);
  const inputView = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const header = readHeader(inputView);
  const { count, rowBytes, offsetLevel0, maxM0 } = header;
  if (rowBytes < offsetLevel0 + 4 + maxM0 * 4 || headerBytes + count * rowBytes > input.byteLength) {
    throw new Error(`hnswlib index header does not fit the file (${count} rows of ${rowBytes} bytes in ${input.byteLength} bytes)`);
  }
  // Where each node's upper-level lists start.
  const upperStart = new Float64Array(count);
  let cursor = headerBytes + count * rowBytes;
  for (let node = 0; node < count; node++) {
    if (cursor + 4 > input.byteLength) throw new Error('hnswlib index is truncated in its upper-level links');
    upperStart[node] = cursor;
    cursor += 4 + inputView.getUint32(cursor, true);
  }
  if (cursor !== input.byteLength) {
    throw new Error(cursor > input.byteLength ? 'hnswlib index is truncated in its upper-level links' : `hnswlib index has ${input.byteLength - cursor} bytes after its last link list`);
  }
  return { header, upperStart };
}

/**
 * Rewrites a saved hnswlib index with its nodes renumbered in breadth-first order of the level-0
 * graph. Returns a new buffer of the same length; throws if the bytes are not a well-formed index.
 */
export function reorderHnswFile(input: Uint8Array): Uint8Array {
  const { header, upperStart } = checkHnswFile(input);
  const inputView = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const { count, rowBytes, offsetLevel0, maxM, maxM0 } = header;
  const levelBlockBytes = maxM * 4 + 4;
  const order = breadthFirstOrder(input, header);
  const newNumber = new Uint32Array(count);
  for (let position = 0; position < count; position++) newNumber[order[position]!] = position;
  const remap = (old: number) => (old < count ? newNumber[old]! : old);

  const output = new Uint8Array(input.byteLength);
  const outputView = new DataView(output.buffer);
  output.set(input.subarray(0, headerBytes));
  outputView.setUint32(52, remap(header.entryPoint), true);
  for (let position = 0; position < count; position++) {
    const old = order[position]!;
    const source = headerBytes + old * rowBytes;
    const target = headerBytes + position * rowBytes;
    output.set(input.subarray(source, source + rowBytes), target);
    const links = Math.min(outputView.getUint16(target + offsetLevel0, true), maxM0);
    for (let link = 0; link < links; link++) {
      const at = target + offsetLevel0 + 4 + link * 4;
      outputView.setUint32(at, remap(outputView.getUint32(at, true)), true);
    }
  }
  let cursor = headerBytes + count * rowBytes;
  for (let position = 0; position < count; position++) {
    const source = upperStart[order[position]!]!;
    const size = inputView.getUint32(source, true);
    output.set(input.subarray(source, source + 4 + size), cursor);
    for (let level = 0; level * levelBlockBytes < size; level++) {
      const block = cursor + 4 + level * levelBlockBytes;
      const links = Math.min(outputView.getUint16(block, true), maxM);
      for (let link = 0; link < links; link++) {
        const at = block + 4 + link * 4;
        outputView.setUint32(at, remap(outputView.getUint32(at, true)), true);
      }
    }
    cursor += 4 + size;
  }
  return output;
}
