// What the packer read of its input: the file's size and mtime when it was probed. ffmpeg and ffprobe are given
// only those bytes (ffmpeg's `subfile` protocol), and the manifest's sha256 hashes exactly them, so a video that is
// still being written is packed, and identified, as it was at probe time.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { describeFsError } from './fs-errors.js';

export interface SourceIdentity {
  /** the local path (as given, after localVideoFile) */
  path: string;
  /** bytes the packer reads: the file's size at probe time */
  size: number;
  mtimeMs: number;
  /**
   * ffmpeg/ffprobe input reading bytes [0, size) of `file:<absolute path>` only: `subfile,,start,0,end,<size>,,:file:/abs`.
   * The protocol options end at the first `,,:`, so nothing in the path is read as an option or another protocol.
   */
  ffmpegInput: string;
}

/** Size and mtime of `path` now; `ffmpegArg` is localVideoFile's `file:<absolute path>`. */
export function sourceIdentity(path: string, ffmpegArg: string): SourceIdentity {
  const st = statSync(path);
  // an empty file has no bytes to bound (subfile refuses end 0); ffprobe then reports it is not a video
  const ffmpegInput = st.size > 0 ? `subfile,,start,0,end,${st.size},,:${ffmpegArg}` : ffmpegArg;
  return { path, size: st.size, mtimeMs: st.mtimeMs, ffmpegInput };
}

export interface SourceHash {
  /** sha256 (hex) of bytes [0, identity.size) */
  sha256: string;
  /** one line when the file changed since it was probed (grew, shrank or was rewritten), else null */
  changed: string | null;
}

/**
 * sha256 of exactly the bytes the packer read, [0, identity.size). A file that only grew since (a recording still
 * being written) hashes as it was when probed; one rewritten in place (or cut shorter) cannot be hashed as it was,
 * so `changed` says so and the caller warns. Hash before or while decoding, not minutes after, to keep that window short.
 */
export async function hashSource(identity: SourceIdentity): Promise<SourceHash> {
  const hash = createHash('sha256');
  let read = 0;
  if (identity.size > 0) {
    await new Promise<void>((resolve, reject) => {
      createReadStream(identity.path, { start: 0, end: identity.size - 1 })
        .on('data', (d: Buffer | string) => { hash.update(d); read += d.length; })
        .on('end', resolve)
        .on('error', (e) => reject(new Error(`cannot hash the input video ${describeFsError(e, identity.path)}`)));
    });
  }
  const now = statSync(identity.path);
  let changed: string | null = null;
  if (read < identity.size || now.size < identity.size) {
    changed = `${identity.path} was cut to ${now.size} bytes while being packed (it had ${identity.size}); its sha256 in the manifest covers the ${read} bytes still there`;
  } else if (now.mtimeMs !== identity.mtimeMs) {
    changed = now.size > identity.size
      ? `${identity.path} grew from ${identity.size} to ${now.size} bytes while being packed; the pack and its sha256 are of the first ${identity.size} bytes`
      : `${identity.path} was modified while being packed; its sha256 in the manifest may not match the frames packed`;
  }
  return { sha256: hash.digest('hex'), changed };
}
