// Bicubic upscale (Keys kernel, a = -0.5) of an LR texture into an HR storage texture, quantized to 8 bits.
// MATLAB imresize convention, as src/pack/bicubic.ts: src = (dst + 0.5) / scale - 0.5, symmetric borders.

struct Params { scale: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var lr: texture_2d<f32>;
@group(0) @binding(1) var hr: texture_storage_2d<rgba8unorm, write>;
@group(0) @binding(2) var<uniform> params: Params;

fn cubic(t: f32) -> f32 {
  let a = -0.5;
  let x = abs(t);
  if (x <= 1.0) { return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0; }
  if (x < 2.0) { return ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a; }
  return 0.0;
}

// MATLAB's symmetric padding: ... 1 0 | 0 1 ... n-1 | n-1 n-2 ...
fn symmetric(j: i32, n: i32) -> i32 {
  let period = 2 * n;
  let m = ((j % period) + period) % period;
  return select(period - 1 - m, m, m < n);
}

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let outDims = textureDimensions(hr);
  if (id.x >= outDims.x || id.y >= outDims.y) { return; }
  let lrDims = vec2<i32>(textureDimensions(lr));
  let src = (vec2<f32>(id.xy) + vec2<f32>(0.5, 0.5)) / f32(params.scale) - vec2<f32>(0.5, 0.5);
  let base = floor(src);
  let frac = src - base;
  var acc = vec3<f32>(0.0, 0.0, 0.0);
  for (var j = 0; j < 4; j++) {
    let wy = cubic(frac.y - f32(j - 1));
    var row = vec3<f32>(0.0, 0.0, 0.0);
    for (var i = 0; i < 4; i++) {
      let wx = cubic(frac.x - f32(i - 1));
      let q = vec2<i32>(base) + vec2<i32>(i - 1, j - 1);
      let p = vec2<i32>(symmetric(q.x, lrDims.x), symmetric(q.y, lrDims.y));
      row += wx * textureLoad(lr, p, 0).rgb;
    }
    acc += wy * row;
  }
  // Quantize here so every backend stores the same 8-bit value (rgba8unorm rounding is not pinned down).
  let q = round(clamp(acc, vec3<f32>(0.0), vec3<f32>(1.0)) * 255.0) / 255.0;
  textureStore(hr, vec2<i32>(id.xy), vec4<f32>(q, 1.0));
}
