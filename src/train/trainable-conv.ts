// A stride-1 'same' conv2d (NHWC input, HWIO filter) whose gradient is written by hand, because
// tfjs-wasm has no Conv2DBackpropFilter kernel: dx is a conv of dy with the flipped, transposed
// filter; dW is a 'valid' conv of the padded input (batch as channels) with dy as the filter.
import { tf } from './tf-backend.js';

export function trainableConv2d(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw] = w.shape;
  if (kh % 2 !== 1 || kw % 2 !== 1) throw new Error(`trainableConv2d needs odd kernels; got ${kh}x${kw}`);
  return convWithGrad(x, w) as tf.Tensor4D;
}

// tfjs types customGrad's arguments as one variadic list of tensors and the save function
const convWithGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.conv2d(x, w, 1, 'same'),
    gradFunc: (dyIn: tf.Tensor, saved: tf.Tensor[]) => {
      const dy = dyIn as tf.Tensor4D;
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const [kh, kw] = ws.shape;
      const ph = (kh - 1) / 2;
      const pw = (kw - 1) / 2;
      // dx[n,y,x,i] = sum_{a,b,o} dy[n,y+ph-a,x+pw-b,o] * w[a,b,i,o]: a 'same' conv with the flipped filter, I and O swapped
      const wFlipped = tf.reverse(ws, [0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D;
      const dx = tf.conv2d(dy, wFlipped, 1, 'same');
      // dW[a,b,i,o] = sum_{n,y,x} xpad[n,y+a,x+b,i] * dy[n,y,x,o]: channels become the batch, the batch the channels
      const xPad = tf.pad(xs, [[0, 0], [ph, ph], [pw, pw], [0, 0]]);
      const dw = tf.conv2d(xPad.transpose([3, 1, 2, 0]) as tf.Tensor4D, dy.transpose([1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid')
        .transpose([1, 2, 0, 3]);
      return [dx, dw];
    },
  };
});
