// Child-process entry of the data-parallel trainer: computes one path's loss and gradients on the
// shard of a batch it is sent (tfjs-wasm runs single-threaded in Node, so cores need processes).
import { initTfBackend, tf } from './tf-backend.js';
import { pathGradients } from './path-gradients.js';
import type { GradientReply, GradientRequest } from './gradient-workers.js';

process.on('disconnect', () => process.exit(0));
process.on('message', (msg: GradientRequest) => {
  void (async () => {
    try {
      await initTfBackend();
      const params = new Map(msg.params.map(([k, dims, data]) => [k, tf.tensor(data, dims)]));
      const g = await pathGradients(msg.path, msg.scale, params, msg.batch);
      for (const t of params.values()) t.dispose();
      const grads: [string, Float32Array][] = [...g.grads].map(([k, t]) => [k, t.dataSync() as Float32Array]);
      for (const t of g.grads.values()) t.dispose();
      const reply: GradientReply = { id: msg.id, loss: g.loss, mse: g.mse, grads };
      process.send!(reply);
    } catch (e) {
      const reply: GradientReply = { id: msg.id, error: e instanceof Error ? e.stack ?? e.message : String(e) };
      process.send!(reply);
    }
  })();
});
