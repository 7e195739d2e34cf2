// Turns Node's file-system errors (ENOENT, EROFS, ENAMETOOLONG, ...) into one readable line that names
// the path and says what went wrong, instead of Node's "EROFS: read-only file system, mkdir '...'".

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  ENAMETOOLONG: 'the name is too long for the file system (at most 255 bytes a name, 4095 a path)',
  ELOOP: 'too many symbolic links',
  EEXIST: 'something already exists there',
  EXDEV: 'it is on another file system',
  EMFILE: 'too many open files',
  EBUSY: 'it is busy (in use or a mount point)',
};

/** The errno code of a Node file-system error, or null for any other error. */
export function fsErrorCode(e: unknown): string | null {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : null;
}

/** `<path>: <reason> (<CODE>)`; `path` defaults to the one Node recorded in the error. */
export function describeFsError(e: unknown, path?: string): string {
  const err = e as NodeJS.ErrnoException;
  const code = fsErrorCode(e);
  const where = path ?? err.path ?? 'file';
  if (!code) return `${where}: ${err.message ?? String(e)}`;
  return `${where}: ${REASONS[code] ?? err.message.replace(/^E[A-Z]+: /, '').split(',')[0]} (${code})`;
}
