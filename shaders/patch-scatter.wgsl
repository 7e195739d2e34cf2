// Writes the centre scale*h x scale*w crop of each SR patch in an NCHW float32 batch into the HR frame texture,
// dropping the halo's output, clamped to [0,1] and quantized to 8 bits.

struct Params { patchW: u32, patchH: u32, halo: u32, count: u32, scale: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<storage, read> batch: array<f32>;
@group(0) @binding(1) var<storage, read> origins: array<vec2<u32>>;
@group(0) @binding(2) var hr: texture_storage_2d<rgba8unorm, write>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let s = params.scale;
  let n = id.z;
  if (id.x >= s * params.patchW || id.y >= s * params.patchH || n >= params.count) { return; }
  let outW = s * (params.patchW + 2u * params.halo);
  let outH = s * (params.patchH + 2u * params.halo);
  let plane = outW * outH;
  let at = n * 3u * plane + (id.y + s * params.halo) * outW + (id.x + s * params.halo);
  let rgb = vec3<f32>(batch[at], batch[at + plane], batch[at + 2u * plane]);
  let q = round(clamp(rgb, vec3<f32>(0.0), vec3<f32>(1.0)) * 255.0) / 255.0;
  textureStore(hr, vec2<i32>(origins[n] * s + id.xy), vec4<f32>(q, 1.0));
}
