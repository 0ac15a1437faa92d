import * as tf from '@tensorflow/tfjs';

/** Swaps the last two axes (a matrix transpose, batched over a leading axis). */
function transposeLast<T extends tf.Tensor>(x: T): T {
  return (x.rank === 2 ? tf.transpose(x) : tf.transpose(x, [0, 2, 1])) as T;
}

/**
 * a·b (matrices, or batches of matrices [B, m, k]·[B, k, n]) whose gradients use explicit
 * transposes. tfjs-backend-wasm runs matMul with transposeA or transposeB outside XNNPACK, about
 * 10× slower than transpose-then-multiply on this machine (64×943 by 943×500: 150 ms against
 * 17 ms), and the built-in matMul gradient asks for exactly those transposed products. Same
 * values and gradients as `tf.matMul(a, b)` on every backend. For a·bᵀ pass `tf.transpose(b)`.
 */
export function matMulTransposeFree<T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T): T {
  const product = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, save] = inputs as [T, T, tf.GradSaveFunc];
    save([x, w]);
    return {
      value: tf.matMul(x, w),
      gradFunc: (dy, saved) => {
        const [savedX, savedW] = saved as [T, T];
        const upstream = dy as T;
        return [tf.matMul(upstream, transposeLast(savedW)), tf.matMul(transposeLast(savedX), upstream)];
      },
    };
  });
  return product(a, b) as T;
}
