// The one place that picks how a pack's stream is read: its CMAF segments where the manifest lists them (fetched
// as playback needs them), else the progressive MP4 (older packs).
import type { EncodedVideoSource } from './encoded-video-source.js';
import { Mp4Demuxer } from './mp4-demuxer.js';
import type { NetworkFetcher } from './network-fetcher.js';
import type { PackHead } from './pack-loader.js';
import { SegmentedDemuxer } from './segmented-demuxer.js';

export function videoSource(head: PackHead, which: 'lr' | 'hr', net: NetworkFetcher): EncodedVideoSource {
  const segments = which === 'lr' ? head.lrSegments : head.hrSegments;
  const fps = head.manifest.fps;
  if (segments) return new SegmentedDemuxer(segments, fps, net);
  return new Mp4Demuxer(which === 'lr' ? head.lrUrl : head.hrUrl, fps, net, 'video');
}
