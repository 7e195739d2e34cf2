// Sum of squared 8-bit RGB differences between two textures over a region at their top-left (the picture: a padded
// pack's textures are larger, and PSNR never counts the padding), one partial sum per 16x16 tile of the region.
// The CPU adds the partials (each fits u32: 256 px * 3 * 255^2 < 2^32) and turns the total into PSNR.

struct Region { width: u32, height: u32 }

@group(0) @binding(0) var a: texture_2d<f32>;
@group(0) @binding(1) var b: texture_2d<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<u32>;
@group(0) @binding(3) var<uniform> region: Region;

var<workgroup> tileSum: atomic<u32>;

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(local_invocation_index) lid: u32,
        @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  if (lid == 0u) { atomicStore(&tileSum, 0u); }
  workgroupBarrier();
  if (id.x < region.width && id.y < region.height) {
    let pa = vec3<i32>(round(textureLoad(a, vec2<i32>(id.xy), 0).rgb * 255.0));
    let pb = vec3<i32>(round(textureLoad(b, vec2<i32>(id.xy), 0).rgb * 255.0));
    let d = pa - pb;
    atomicAdd(&tileSum, u32(dot(d, d)));
  }
  workgroupBarrier();
  if (lid == 0u) { partials[wid.y * groups.x + wid.x] = atomicLoad(&tileSum); }
}
