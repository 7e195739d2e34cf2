// A measured FMA peak of the adapter: many invocations each running long chains of independent vec4 FMAs
// (no memory traffic), timed by wall clock around one submit. The yardstick for the conv kernels' GFLOP/s.

const CHAINS = 8;
const ITERS = 1024;

export async function measureFmaPeak(device: GPUDevice, workgroups = 256): Promise<{ gflops: number; ms: number }> {
  const chains = Array.from({ length: CHAINS }, (_, i) => i);
  const code = `@group(0) @binding(0) var<storage, read_write> sink: array<vec4<f32>>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let a = vec4<f32>(f32(id.x) * 1e-7, 0.999, 1.0001, 0.5);
  let b = vec4<f32>(0.9999, 1e-7, 0.25, 1.0);
${chains.map((c) => `  var x${c} = vec4<f32>(f32(id.x + ${c}u));`).join('\n')}
  for (var i = 0u; i < ${ITERS}u; i = i + 1u) {
${chains.map((c) => `    x${c} = fma(x${c}, a, b);`).join('\n')}
  }
  sink[id.x] = ${chains.map((c) => `x${c}`).join(' + ')};
}`;
  const module = device.createShaderModule({ code });
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const sink = device.createBuffer({ size: workgroups * 64 * 16, usage: GPUBufferUsage.STORAGE });
  const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: sink } }] });
  const once = async () => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(workgroups);
    pass.end();
    const t = performance.now();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t;
  };
  await once();
  const ms = Math.min(await once(), await once(), await once());
  sink.destroy();
  const flops = workgroups * 64 * ITERS * CHAINS * 4 * 2;
  return { gflops: flops / (ms * 1e6), ms };
}
