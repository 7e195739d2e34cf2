// Adam (Kingma & Ba) over named tfjs variables, with moments kept per parameter so they can be
// checkpointed and resumed exactly; paths count their own steps for bias correction.
import { tf } from './tf-backend.js';

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

export class AdamState {
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(params: Map<string, tf.Variable>) {
    for (const [k, p] of params) {
      this.m.set(k, zerosVariable(p));
      this.v.set(k, zerosVariable(p));
    }
  }

  /** One update of `params` by `grads` (same keys); `t` is the 1-based step count of these parameters;
   *  `scaleOf` scales the learning rate per parameter (default 1). */
  apply(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, learningRate: number, t: number, scaleOf: (key: string) => number = () => 1): void {
    const c1 = 1 - ADAM_BETA1 ** t;
    const c2 = 1 - ADAM_BETA2 ** t;
    tf.tidy(() => {
      for (const [k, g] of grads) {
        const m = this.m.get(k)!;
        const v = this.v.get(k)!;
        const p = params.get(k)!;
        m.assign(tf.add(tf.mul(m, ADAM_BETA1), tf.mul(g, 1 - ADAM_BETA1)));
        v.assign(tf.add(tf.mul(v, ADAM_BETA2), tf.mul(tf.square(g), 1 - ADAM_BETA2)));
        const step = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), ADAM_EPSILON));
        p.assign(tf.sub(p, tf.mul(step, learningRate * scaleOf(k))));
      }
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}

/** tf.variable keeps its initial tensor alive as a separate handle, so release that one here. */
function zerosVariable(like: tf.Tensor): tf.Variable {
  const zeros = tf.zerosLike(like);
  const v = tf.variable(zeros, false);
  zeros.dispose();
  return v;
}

/** Linear warm-up from base/warmup to `base` over the first `warmup` steps, then cosine decay to 0 at `total`. */
export function cosineLearningRate(base: number, step: number, total: number, warmup = 0): number {
  if (step < warmup) return (base * (step + 1)) / warmup;
  const t = (step - warmup) / Math.max(1, total - warmup);
  return 0.5 * base * (1 + Math.cos(Math.PI * t));
}
