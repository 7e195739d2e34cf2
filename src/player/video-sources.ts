// The one place that picks how a pack's stream is read: its CMAF segments where the manifest lists them (fetched
// as playback needs them), else the progressive MP4 (older packs).
import type { EncodedVideoSource } from './encoded-video-source.js';
import { Mp4Demuxer } from './mp4-demuxer.js';
import type { NetworkFetcher } from './network-fetcher.js';
import { isLadder, type PackHead } from './pack-loader.js';
import { SegmentedDemuxer, type RungChooser } from './segmented-demuxer.js';
import { BUFFER_GOALS } from './buffer-plan.js';

/** `choose`: a ladder's LR rungs (PackHead.rungs) are one source, each segment fetched from the rung it names. */
export function videoSource(head: PackHead, which: 'lr' | 'hr', net: NetworkFetcher, choose?: RungChooser): EncodedVideoSource {
  const segments = which === 'lr' ? head.lrSegments : head.hrSegments;
  const fps = head.manifest.fps;
  if (which === 'lr' && isLadder(head)) {
    return new SegmentedDemuxer(head.rungs.map((r) => r.lrSegments!), fps, net, BUFFER_GOALS, choose);
  }
  if (segments) return new SegmentedDemuxer(segments, fps, net);
  return new Mp4Demuxer(which === 'lr' ? head.lrUrl : head.hrUrl, fps, net, 'video');
}
