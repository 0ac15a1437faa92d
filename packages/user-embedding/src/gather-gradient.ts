import * as tf from '@tensorflow/tfjs';

let registered = false;

/**
 * Replaces tfjs's gradient of `gather` (GatherV2) with a `scatterND` that sums duplicate indices.
 * The stock gradient goes through `unsortedSegmentSum`, which the wasm backend lacks and which the
 * cpu backend computes with one mask per segment (O(vocabulary × batch)), far too slow for embedding
 * tables. Any axis works (the gathered axis is moved to the front and back); `batchDims` > 0 keeps
 * the stock formula.
 */
export function registerGatherGradient(): void {
  if (registered) return;
  const stock = tf.getGradient('GatherV2');
  tf.registerGradient({
    kernelName: 'GatherV2',
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, saved, attrs) => {
      const [x, indices] = saved as [tf.Tensor, tf.Tensor];
      const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
      if (batchDims !== 0) {
        if (!stock) throw new Error('no stock gradient for GatherV2');
        return stock.gradFunc(dy, saved, attrs);
      }
      const gradient = Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy;
      const parsedAxis = axis < 0 ? axis + x.rank : axis;
      return {
        x: () => {
          const indexRank = indices.rank;
          const range = (start: number, end: number) => Array.from({ length: Math.max(0, end - start) }, (_, offset) => start + offset);
          // dy has shape x[:axis] + indices.shape + x[axis+1:]; bring the index dimensions to the front.
          const dyPermutation = [...range(parsedAxis, parsedAxis + indexRank), ...range(0, parsedAxis), ...range(parsedAxis + indexRank, gradient.rank)];
          const moved = parsedAxis === 0 ? gradient : tf.transpose(gradient, dyPermutation);
          const rowShape = [...x.shape.slice(0, parsedAxis), ...x.shape.slice(parsedAxis + 1)];
          const rowSize = rowShape.reduce((product, size) => product * size, 1);
          const summed = tf.scatterND(tf.reshape(tf.cast(indices, 'int32'), [-1, 1]), tf.reshape(moved, [-1, rowSize]), [x.shape[parsedAxis] as number, rowSize]);
          const front = tf.reshape(summed, [x.shape[parsedAxis] as number, ...rowShape]);
          if (parsedAxis === 0) return front;
          // Undo the move of the gathered axis to the front.
          const inverse = [...range(1, parsedAxis + 1), 0, ...range(parsedAxis + 1, x.rank)];
          return tf.transpose(front, inverse);
        },
        indices: () => tf.zerosLike(indices),
      };
    },
  });
  registered = true;
}
