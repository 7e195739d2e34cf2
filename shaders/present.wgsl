// Presents the HR frame on the canvas: SR, or a split view (bicubic left of the split line, SR right),
// with an optional patch overlay (each patch's outline coloured by the path that served it) and an optional zoom
// lens: a panel of two squares, bicubic | SR, magnifying the region around (lensX, lensY), whose outline is drawn.
// The textures are the coded HR size; the viewport is the picture (width x height) at their top-left, so reading them at
// viewport pixel coordinates crops a padded pack's padding; the lens places its panel and clamps its reads by the picture.

struct View { splitX: i32, overlay: u32, patchCount: u32, scale: u32, lensX: i32, lensY: i32, lensSize: i32, zoom: i32,
              width: i32, height: i32 }

@group(0) @binding(0) var sr: texture_2d<f32>;
@group(0) @binding(1) var bicubic: texture_2d<f32>;
@group(0) @binding(2) var<storage, read> patches: array<u32>;  // x, y, w, h, path per patch (LR px)
@group(0) @binding(3) var<uniform> view: View;

@vertex
fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
  // One triangle that covers the whole viewport.
  let xy = vec2<f32>(f32((i << 1u) & 2u), f32(i & 2u));
  return vec4<f32>(xy * 2.0 - 1.0, 0.0, 1.0);
}

fn pathColour(path: u32) -> vec3<f32> {
  switch (path % 4u) {
    case 0u: { return vec3<f32>(0.10, 0.85, 0.30); }
    case 1u: { return vec3<f32>(1.00, 0.75, 0.05); }
    case 2u: { return vec3<f32>(0.95, 0.20, 0.25); }
    default: { return vec3<f32>(0.25, 0.55, 1.00); }
  }
}

@fragment
fn fs(@builtin(position) pos: vec4<f32>) -> @location(0) vec4<f32> {
  let px = vec2<i32>(pos.xy);
  var rgb = textureLoad(sr, px, 0).rgb;
  if (view.splitX >= 0) {
    if (px.x < view.splitX) { rgb = textureLoad(bicubic, px, 0).rgb; }
    if (abs(px.x - view.splitX) < 1) { rgb = vec3<f32>(1.0, 1.0, 1.0); }
  }
  if (view.overlay == 1u) {
    let s = i32(view.scale);
    for (var k = 0u; k < view.patchCount; k++) {
      let x0 = i32(patches[5u * k]) * s;
      let y0 = i32(patches[5u * k + 1u]) * s;
      let x1 = x0 + i32(patches[5u * k + 2u]) * s - 1;
      let y1 = y0 + i32(patches[5u * k + 3u]) * s - 1;
      let inside = px.x >= x0 && px.x <= x1 && px.y >= y0 && px.y <= y1;
      let onEdge = px.x == x0 || px.x == x1 || px.y == y0 || px.y == y1;
      if (inside && onEdge) { rgb = mix(rgb, pathColour(patches[5u * k + 4u]), 0.85); }
    }
  }
  if (view.lensSize > 0) { rgb = lens(px, rgb); }
  return vec4<f32>(rgb, 1.0);
}

fn lens(px: vec2<i32>, under: vec3<f32>) -> vec3<f32> {
  let dims = vec2<i32>(view.width, view.height);
  let size = view.lensSize;
  let zoom = max(view.zoom, 1);
  let centre = vec2<i32>(view.lensX, view.lensY);
  // the panel sits in the top corner away from the region it magnifies
  let panelX = select(dims.x - 2 * size - 4, 4, view.lensX > dims.x / 2);
  let q = px - vec2<i32>(panelX, 4);
  if (q.x >= -1 && q.x <= 2 * size && q.y >= -1 && q.y <= size) {
    if (q.x == -1 || q.y == -1 || q.x == 2 * size || q.y == size || q.x == size) { return vec3<f32>(1.0, 1.0, 1.0); }
    let local = vec2<i32>(q.x % size, q.y);
    let src = clamp(centre + (local - vec2<i32>(size / 2, size / 2)) / zoom, vec2<i32>(0, 0), dims - vec2<i32>(1, 1));
    if (q.x < size) { return textureLoad(bicubic, src, 0).rgb; }
    return textureLoad(sr, src, 0).rgb;
  }
  // the magnified region's outline on the frame
  let r = size / (2 * zoom);
  let d = abs(px - centre);
  if ((d.x == r && d.y <= r) || (d.y == r && d.x <= r)) { return vec3<f32>(1.0, 0.85, 0.1); }
  return under;
}
