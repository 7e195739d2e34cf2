// Gathers same-shaped LR patches (grown by `halo` px, out-of-frame pixels clamped to the edge) into an
// NCHW float32 batch, the input layout of the ONNX model (ort engine).

struct Params { patchW: u32, patchH: u32, halo: u32, count: u32 }

@group(0) @binding(0) var lr: texture_2d<f32>;
@group(0) @binding(1) var<storage, read> origins: array<u32>;
@group(0) @binding(2) var<storage, read_write> batch: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let inW = params.patchW + 2u * params.halo;
  let inH = params.patchH + 2u * params.halo;
  let n = id.z;
  if (id.x >= inW || id.y >= inH || n >= params.count) { return; }
  let maxXY = vec2<i32>(textureDimensions(lr)) - vec2<i32>(1, 1);
  let p = clamp(vec2<i32>(i32(origins[2u * n]), i32(origins[2u * n + 1u])) + vec2<i32>(id.xy) - vec2<i32>(i32(params.halo)), vec2<i32>(0, 0), maxXY);
  let rgb = textureLoad(lr, p, 0).rgb;
  let plane = inW * inH;
  let at = n * 3u * plane + id.y * inW + id.x;
  batch[at] = rgb.r;
  batch[at + plane] = rgb.g;
  batch[at + 2u * plane] = rgb.b;
}
