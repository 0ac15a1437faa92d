import * as tf from '@tensorflow/tfjs';

/**
 * a·b whose gradients use explicit transposes. tfjs-backend-wasm runs matMul with transposeA or
 * transposeB outside XNNPACK, about 10× slower than transpose-then-multiply on this machine
 * (64×943 by 943×500: 150 ms against 17 ms), and the built-in matMul gradient asks for exactly
 * those transposed products. Same values and gradients as `tf.matMul(a, b)` on every backend.
 */
export function matMulTransposeFree(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const product = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, save] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([x, w]);
    return {
      value: tf.matMul(x, w),
      gradFunc: (dy, saved) => {
        const [savedX, savedW] = saved as [tf.Tensor2D, tf.Tensor2D];
        const upstream = dy as tf.Tensor2D;
        return [tf.matMul(upstream, tf.transpose(savedW)), tf.matMul(tf.transpose(savedX), upstream)];
      },
    };
  });
  return product(a, b) as tf.Tensor2D;
}
