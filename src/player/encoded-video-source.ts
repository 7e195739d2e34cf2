// What a decoder lane (video-frame-stream.ts) reads encoded video from: samples by decode position, the key
// frame to start from for a frame, and whether a frame's data is here. Two sources: a progressive MP4
// (mp4-demuxer.ts, older packs) and CMAF segments fetched as playback needs them (segmented-demuxer.ts).

export interface DemuxedSample { chunk: EncodedVideoChunk; isKey: boolean; timestampUs: number }

export interface EncodedVideoSource {
  readonly url: string;
  /** the manifest's frame rate: frame n is at n / fps */
  readonly fps: number;
  /** What stops frame `frame` from being decoded for good (a file the server would not give), or null. */
  problem(frame: number): Error | null;
  /** Starts streaming; resolves with the decoder config (the moov / init segment). */
  open(): Promise<VideoDecoderConfig>;
  /** The sample at decode position `p` (0 = the first sample of the stream), or null while it is not here. */
  sample(p: number): DemuxedSample | null;
  /** Samples in the whole stream, where known (a progressive download knows it at its end). */
  total(): number | null;
  /** The decode position to start from to decode frame `frame` (a key frame at or before it). */
  keyFor(frame: number): number;
  /** The frame index of a decoded frame's timestamp. */
  frameIndex(timestampUs: number): number;
  /** Playback (lane `lane`) is at frame `frame`: fetch what it needs and what comes after, release what is behind. */
  need(frame: number, lane: object): void;
  /** Whether frame `frame` can be decoded without waiting for the network (its samples and a few after are here). */
  hasFrame(frame: number): boolean;
  /** Seconds of video from `frame` on that are here, contiguous. */
  bufferedSeconds(frame: number): number;
  /** Resolves when samples arrive, the stream ends or fails. */
  changed(): Promise<void>;
  /** A lane stops reading; the source closes with the last one. */
  release(lane: object): void;
  /** While on, fetch only what the lanes need now, nothing ahead (a seek: its frame first, on the fewest bytes). */
  focus?(on: boolean): void;
  /**
   * A bitrate ladder: the decoder config of the sample at decode position `p` (its rung's), or null while it is not
   * here; the decoder is reconfigured where it changes (a segment start). Absent: one config for the whole stream.
   */
  configAt?(p: number): VideoDecoderConfig | null;
  /** A bitrate ladder: the rung frame `frame` is held in, or null while it is not here. Absent: always rung 0. */
  rungOf?(frame: number): number | null;
}

/** Samples a decoder is fed beyond the frame wanted (H.264 reorder delay). */
export const DECODE_LOOKAHEAD = 6;
