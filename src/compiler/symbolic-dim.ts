// Small integer expressions over shape symbols (N, h, 2*h, h+4, floor((h-1)/2)+1, min, max) in a
// canonical sum-of-products form, so that equal dims are recognised as equal even when unknown.

/** A non-arithmetic factor: a symbol, a floor division by a positive constant, or a min/max. */
export type DimAtom =
  | { kind: 'sym'; name: string }
  | { kind: 'floor'; num: DimExpr; den: number }
  | { kind: 'min' | 'max'; args: DimExpr[] };

/** coeff * product(factors); factors sorted by their printed key (repeats mean powers). */
export interface DimTerm { coeff: number; factors: DimAtom[] }

/**
 * A canonical sum of terms: terms sorted by monomial key, no zero coefficients, no duplicate
 * monomials. The constant term (no factors) may be non-integer only when no symbol occurs
 * (float constants flow through the same value tracking).
 */
export interface DimExpr { readonly terms: readonly DimTerm[] }

const atomKeys = new WeakMap<DimAtom, string>();
function atomKey(a: DimAtom): string {
  let k = atomKeys.get(a);
  if (k === undefined) {
    k = a.kind === 'sym' ? a.name
      : a.kind === 'floor' ? `floor((${formatDim(a.num)})/${a.den})`
      : `${a.kind}(${a.args.map(formatDim).join(',')})`;
    atomKeys.set(a, k);
  }
  return k;
}
function monomialRank(key: string): number { return key === '' ? 2 : key.includes('(') ? 1 : 0; }

/** Builds a canonical expression from arbitrary terms (merging like monomials, dropping zeros). */
function normalize(terms: DimTerm[]): DimExpr {
  const byKey = new Map<string, DimTerm>();
  for (const t of terms) {
    if (t.coeff === 0) continue;
    const factors = [...t.factors].sort((a, b) => (atomKey(a) < atomKey(b) ? -1 : atomKey(a) > atomKey(b) ? 1 : 0));
    const key = factors.map(atomKey).join('*');
    const prev = byKey.get(key);
    byKey.set(key, { coeff: (prev?.coeff ?? 0) + t.coeff, factors });
  }
  const out = [...byKey.entries()].filter(([, t]) => t.coeff !== 0)
    // plain symbols first, floor/min/max next, the constant last, so printing reads "2*h+4", "h-2*floor((h)/2)"
    .sort(([a], [b]) => monomialRank(a) - monomialRank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([, t]) => t);
  return { terms: out };
}

/**
 * Opaque symbols stand for one dim the analysis does not know (names start with '?'). They let a
 * Shape value stay partly tracked ([N, 3, 20, ?]) so Gather can still pick its known elements;
 * any shape dim or reported value that contains one is not a constant.
 */
export const OPAQUE_PREFIX = '?';
export function dimOpaque(id: string): DimExpr { return dimSym(`${OPAQUE_PREFIX}${id}`); }
export function dimIsOpaqueFree(e: DimExpr): boolean { return ![...dimSymbols(e)].some((s) => s.startsWith(OPAQUE_PREFIX)); }

export function dimConst(value: number): DimExpr { return normalize([{ coeff: value, factors: [] }]); }
export function dimSym(name: string): DimExpr { return { terms: [{ coeff: 1, factors: [{ kind: 'sym', name }] }] }; }
function atomExpr(a: DimAtom): DimExpr { return { terms: [{ coeff: 1, factors: [a] }] }; }

/** The constant value, or undefined when the expression involves a symbol. */
export function dimValue(e: DimExpr): number | undefined {
  if (e.terms.length === 0) return 0;
  if (e.terms.length === 1 && e.terms[0].factors.length === 0) return e.terms[0].coeff;
  return undefined;
}
export function isDimConst(e: DimExpr): boolean { return dimValue(e) !== undefined; }

export function dimAdd(a: DimExpr, b: DimExpr): DimExpr { return normalize([...a.terms, ...b.terms]); }
export function dimScale(a: DimExpr, k: number): DimExpr { return normalize(a.terms.map((t) => ({ coeff: t.coeff * k, factors: t.factors }))); }
export function dimNeg(a: DimExpr): DimExpr { return dimScale(a, -1); }
export function dimSub(a: DimExpr, b: DimExpr): DimExpr { return dimAdd(a, dimNeg(b)); }
export function dimMul(a: DimExpr, b: DimExpr): DimExpr {
  const terms: DimTerm[] = [];
  for (const x of a.terms) for (const y of b.terms) terms.push({ coeff: x.coeff * y.coeff, factors: [...x.factors, ...y.factors] });
  return normalize(terms);
}

function gcd(a: number, b: number): number { a = Math.abs(a); b = Math.abs(b); while (b) [a, b] = [b, a % b]; return a; }
function isIntegral(e: DimExpr): boolean { return e.terms.every((t) => Number.isInteger(t.coeff)); }

/**
 * floor(a / b). Symbolic division needs a constant non-zero integer divisor; it pulls out every
 * term whose coefficient the divisor divides (exact because all atoms are integers), reduces by the
 * common gcd, and keeps the rest as a floor atom. Returns undefined when it cannot be expressed.
 */
export function dimFloorDiv(a: DimExpr, b: DimExpr): DimExpr | undefined {
  const av = dimValue(a), bv = dimValue(b);
  if (bv === 0) return undefined;
  if (av !== undefined && bv !== undefined) return dimConst(Math.floor(av / bv));
  if (bv === undefined || !Number.isInteger(bv) || !isIntegral(a)) {
    // x / x style identities are rare in shape code; only exact equality is recognised
    return dimEqual(a, b) ? dimConst(1) : undefined;
  }
  let num = a, den = bv;
  if (den < 0) { num = dimNeg(num); den = -den; }
  if (den === 1) return num;
  // floor((c*q + r)/den) = q + floor(r/den) with 0 <= r < den per coefficient
  const quotient: DimTerm[] = [], rest: DimTerm[] = [];
  for (const t of num.terms) {
    const q = Math.floor(t.coeff / den), r = t.coeff - q * den;
    if (q !== 0) quotient.push({ coeff: q, factors: t.factors });
    if (r !== 0) rest.push({ coeff: r, factors: t.factors });
  }
  let restExpr = normalize(rest);
  if (restExpr.terms.length === 0) return normalize(quotient);
  const g = restExpr.terms.reduce((acc, t) => gcd(acc, t.coeff), den);
  if (g > 1) { restExpr = dimScale(restExpr, 1 / g); den /= g; }
  if (den === 1) return dimAdd(normalize(quotient), restExpr);
  const rv = dimValue(restExpr);
  if (rv !== undefined) return dimAdd(normalize(quotient), dimConst(Math.floor(rv / den)));
  // floor(floor(x/p)/q) = floor(x/(p*q)) for positive p, q
  if (restExpr.terms.length === 1 && restExpr.terms[0].coeff === 1 && restExpr.terms[0].factors.length === 1) {
    const inner = restExpr.terms[0].factors[0];
    if (inner.kind === 'floor') return dimAdd(normalize(quotient), atomExpr({ kind: 'floor', num: inner.num, den: inner.den * den }));
  }
  return dimAdd(normalize(quotient), atomExpr({ kind: 'floor', num: restExpr, den }));
}

/** a / b when b is a single term that divides every term of a exactly (e.g. N*C*h*w / (N*C)). */
export function dimExactDiv(a: DimExpr, b: DimExpr): DimExpr | undefined {
  if (b.terms.length !== 1 || b.terms[0].coeff === 0) return undefined;
  const { coeff, factors } = b.terms[0];
  const out: DimTerm[] = [];
  for (const t of a.terms) {
    const q = t.coeff / coeff;
    if (!Number.isInteger(q) && isIntegral(a)) return undefined;
    const rest = [...t.factors];
    for (const f of factors) {
      const i = rest.findIndex((g) => atomKey(g) === atomKey(f));
      if (i < 0) return undefined;
      rest.splice(i, 1);
    }
    out.push({ coeff: q, factors: rest });
  }
  return normalize(out);
}

/** ceil(a / b) = -floor(-a / b). */
export function dimCeilDiv(a: DimExpr, b: DimExpr): DimExpr | undefined {
  const r = dimFloorDiv(dimNeg(a), b);
  return r && dimNeg(r);
}

/** a mod b with the sign of b (Python/ONNX fmod=0 semantics), as a - b*floor(a/b). */
export function dimMod(a: DimExpr, b: DimExpr): DimExpr | undefined {
  const av = dimValue(a), bv = dimValue(b);
  if (av !== undefined && bv !== undefined) return bv === 0 ? undefined : dimConst(av - bv * Math.floor(av / bv));
  const q = dimFloorDiv(a, b);
  return q && dimSub(a, dimMul(b, q));
}

/** Symbols are dims, so never negative: a sum of non-negative terms with non-negative factors is >= 0. */
export function isDimNonNegative(e: DimExpr): boolean {
  return e.terms.every((t) => t.coeff >= 0 && t.factors.every((f) =>
    f.kind === 'sym' ? true : f.kind === 'floor' ? isDimNonNegative(f.num) : f.args.every(isDimNonNegative)));
}

function minMax(kind: 'min' | 'max', a: DimExpr, b: DimExpr): DimExpr {
  const diff = dimSub(a, b);
  const d = dimValue(diff);
  if (d !== undefined) return (kind === 'min') === (d <= 0) ? a : b;
  // a - b >= 0 or b - a >= 0 for every value of the (non-negative) symbols decides it too
  if (isDimNonNegative(diff)) return kind === 'min' ? b : a;
  if (isDimNonNegative(dimNeg(diff))) return kind === 'min' ? a : b;
  const args = [a, b].sort((x, y) => (formatDim(x) < formatDim(y) ? -1 : 1));
  return atomExpr({ kind, args });
}
export function dimMin(a: DimExpr, b: DimExpr): DimExpr { return minMax('min', a, b); }
export function dimMax(a: DimExpr, b: DimExpr): DimExpr { return minMax('max', a, b); }

export function dimEqual(a: DimExpr, b: DimExpr): boolean { return formatDim(a) === formatDim(b); }

/** Symbols an expression mentions. */
export function dimSymbols(e: DimExpr, into = new Set<string>()): Set<string> {
  for (const t of e.terms) for (const f of t.factors) {
    if (f.kind === 'sym') into.add(f.name);
    else if (f.kind === 'floor') dimSymbols(f.num, into);
    else f.args.forEach((x) => dimSymbols(x, into));
  }
  return into;
}

/** Replaces symbols by values (numbers or expressions) and re-simplifies. */
export function dimSubstitute(e: DimExpr, env: Record<string, number | DimExpr>): DimExpr {
  let out = dimConst(0);
  for (const t of e.terms) {
    let term = dimConst(t.coeff);
    for (const f of t.factors) {
      let fe: DimExpr | undefined;
      if (f.kind === 'sym') {
        const v = env[f.name];
        fe = v === undefined ? atomExpr(f) : typeof v === 'number' ? dimConst(v) : v;
      } else if (f.kind === 'floor') {
        fe = dimFloorDiv(dimSubstitute(f.num, env), dimConst(f.den));
      } else {
        const [x, y] = f.args.map((a) => dimSubstitute(a, env));
        fe = f.kind === 'min' ? dimMin(x, y) : dimMax(x, y);
      }
      term = dimMul(term, fe ?? atomExpr(f));
    }
    out = dimAdd(out, term);
  }
  return out;
}

/** Evaluates with every symbol bound; throws naming the first unbound symbol. */
export function dimEvaluate(e: DimExpr, env: Record<string, number>): number {
  const v = dimValue(dimSubstitute(e, env));
  if (v === undefined) throw new Error(`cannot evaluate ${formatDim(e)}: unbound symbol(s) ${[...dimSymbols(e)].filter((s) => !(s in env)).join(', ')}`);
  return v;
}

/** Prints "2*h+4", "N*h", "floor((h+1)/2)", "min(h,w)", "-h+3". */
export function formatDim(e: DimExpr): string {
  if (e.terms.length === 0) return '0';
  let s = '';
  for (const t of e.terms) {
    const mono = t.factors.map(atomKey).join('*');
    const abs = Math.abs(t.coeff);
    const body = mono === '' ? String(abs) : abs === 1 ? mono : `${abs}*${mono}`;
    s += t.coeff < 0 ? `-${body}` : s === '' ? body : `+${body}`;
  }
  return s;
}

/** Parses the printed form back (numbers, symbols, + - *, parentheses, floor(x/k), min, max). */
export function parseDim(text: string): DimExpr {
  const tokens = text.match(/\s*([A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[-+*/(),])/g)?.map((t) => t.trim()) ?? [];
  if (tokens.join('') !== text.replace(/\s+/g, '')) throw new Error(`cannot parse dim expression '${text}'`);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const expect = (t: string): void => { if (tokens[i++] !== t) throw new Error(`cannot parse dim expression '${text}': expected '${t}'`); };
  const sum = (): DimExpr => {
    let e = product();
    while (peek() === '+' || peek() === '-') { const op = tokens[i++]; const r = product(); e = op === '+' ? dimAdd(e, r) : dimSub(e, r); }
    return e;
  };
  const product = (): DimExpr => {
    let e = unary();
    while (peek() === '*') { i++; e = dimMul(e, unary()); }
    return e;
  };
  const unary = (): DimExpr => (peek() === '-' ? (i++, dimNeg(unary())) : primary());
  const primary = (): DimExpr => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`cannot parse dim expression '${text}': unexpected end`);
    if (t === '(') { const e = sum(); expect(')'); return e; }
    if (/^\d/.test(t)) return dimConst(Number(t));
    if (t === 'floor') {
      expect('('); const num = sum(); expect('/'); const den = sum(); expect(')');
      const r = dimFloorDiv(num, den);
      if (!r) throw new Error(`cannot parse dim expression '${text}': bad floor division`);
      return r;
    }
    if ((t === 'min' || t === 'max') && peek() === '(') {
      i++; const a = sum(); expect(','); const b = sum(); expect(')');
      return t === 'min' ? dimMin(a, b) : dimMax(a, b);
    }
    if (/^[A-Za-z_]/.test(t)) return dimSym(t);
    throw new Error(`cannot parse dim expression '${text}': unexpected '${t}'`);
  };
  const e = sum();
  if (i !== tokens.length) throw new Error(`cannot parse dim expression '${text}': trailing '${tokens.slice(i).join('')}'`);
  return e;
}
