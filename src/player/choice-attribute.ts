// The element's "auto or an index" attributes (`rendition`, `tier`): parsed once, wrong values said in words.

export function parseChoice(attribute: string, value: string | null | undefined, count: number, what: string): 'auto' | number {
  const v = (value ?? '').trim();
  if (v === '' || v === 'auto') return 'auto';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n >= count) {
    throw new RangeError(`${attribute}="${v}": use "auto" or an index 0..${count - 1} (${what})`);
  }
  return n;
}
