// Copies a decoded video frame (external texture: YUV planes converted to RGB by the GPU) into an
// rgba8unorm frame texture, quantized to 8 bits, with no CPU round trip.

@group(0) @binding(0) var frame: texture_external;
@group(0) @binding(1) var dst: texture_storage_2d<rgba8unorm, write>;

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let dims = textureDimensions(dst);
  if (id.x >= dims.x || id.y >= dims.y) { return; }
  let rgb = textureLoad(frame, id.xy).rgb;
  let q = round(clamp(rgb, vec3<f32>(0.0), vec3<f32>(1.0)) * 255.0) / 255.0;
  textureStore(dst, vec2<i32>(id.xy), vec4<f32>(q, 1.0));
}
