/**
 * Bit-packed integer sequences (timestamps, and the scaled integers of decimal values).
 * A sequence is stored as residuals of order 0 (the values), 1 (deltas) or 2 (delta-of-delta),
 * whichever is smallest. Residuals are rebased on their minimum and divided by their greatest
 * common divisor (page-sized byte counts, round steps), then written either as fixed-width
 * frame-of-reference bit-packing (0 bits when constant) or as Rice codes around their mean
 * (with an escape for outliers), again whichever is smaller; the choice is exact, not estimated.
 * Integers are safe doubles with |x| <= MAX_SEQ_INT, so every intermediate stays exact.
 */

import { InvalidArgumentError } from '../errors.ts';
import { type BitReader, type BitWriter, bitWidth, unzigzag, zigzag } from './bits.ts';

/** Largest magnitude an element may have: 2^49 (year 19800 in ms; 15 significant digits). */
export const MAX_SEQ_INT = 2 ** 49;

/** Unary quotients at or above this are escaped to a fixed-width literal. */
const RICE_ESCAPE = 16;
const MODE_PACKED = 0;
const MODE_RICE = 1;

/** How writeIntSeq codes a sequence (planIntSeq), kept by a caller that sized it so as not to plan twice. */
export interface ResidualPlan {
  order: number;
  mode: number;
  min: number;
  gcd: number;
  /** Packed: bit width of (r - min) / gcd. Rice: the parameter k. */
  width: number;
  /** Rice only: the center subtracted before zigzag, and the escape literal width. */
  center: number;
  escapeWidth: number;
  /** Size of the residual section in bits, headers included. */
  bits: number;
}

let scratch1 = new Float64Array(1024);
let scratch2 = new Float64Array(1024);
/** tryRice's zigzagged residuals, read again for each Rice parameter. */
let scratchZ = new Float64Array(1024);

/** Writes `xs` as `plan` (planIntSeq of these very `xs`) says. */
export function writeIntSeq(w: BitWriter, xs: Float64Array, plan = planIntSeq(xs)): void {
  const n = xs.length;
  if (n === 0) return;
  w.writeBits(plan.order, 2);
  for (let i = 0; i < plan.order; i++) w.writeVarWide(zigzag(xs[i]!));
  const res = residuals(xs, plan.order);
  writeResiduals(w, res, plan.order, n, plan);
}

export function readIntSeq(r: BitReader, out: Float64Array): void {
  const n = out.length;
  if (n === 0) return;
  const order = r.readBits(2);
  if (order > 2 || order > n) throw new InvalidArgumentError('corrupt chunk: bad integer sequence order');
  for (let i = 0; i < order; i++) out[i] = unzigzag(r.readVarWide());
  readResiduals(r, out, order);
  integrate(out, order);
}

/** The smallest coding of `xs` (its size in bits included). */
export function planIntSeq(xs: Float64Array): ResidualPlan {
  const n = xs.length;
  let best: ResidualPlan | undefined;
  for (let order = 0; order <= 2 && order <= n; order++) {
    let headBits = 2;
    for (let i = 0; i < order; i++) headBits += 6 + bitWidth(zigzag(xs[i]!));
    const plan = planResiduals(residuals(xs, order), order, n, headBits);
    if (best === undefined || plan.bits < best.bits) best = plan;
  }
  return best!;
}

/** Residuals of `order` live at indices order..n-1 of the returned array. */
function residuals(xs: Float64Array, order: number): Float64Array {
  if (order === 0) return xs;
  const n = xs.length;
  if (scratch1.length < n) {
    scratch1 = new Float64Array(n * 2);
    scratch2 = new Float64Array(n * 2);
  }
  const out = order === 1 ? scratch1 : scratch2;
  for (let i = order; i < n; i++) {
    out[i] = order === 1 ? xs[i]! - xs[i - 1]! : xs[i]! - 2 * xs[i - 1]! + xs[i - 2]!;
  }
  return out;
}

function planResiduals(res: Float64Array, order: number, n: number, headBits: number): ResidualPlan {
  let min = Infinity;
  let max = -Infinity;
  for (let i = order; i < n; i++) {
    const v = res[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const plan: ResidualPlan = {
    order,
    mode: MODE_PACKED,
    min: 0,
    gcd: 1,
    width: 0,
    center: 0,
    escapeWidth: 0,
    bits: headBits,
  };
  if (order >= n) return plan;
  let g = 0;
  let sum = 0;
  if (max - min <= INT32_MAX) {
    // The common case in int32 arithmetic, where % is an integer division, not fmod.
    for (let i = order; i < n && g !== 1; i++) g = gcd32(g, (res[i]! - min) | 0);
  } else {
    for (let i = order; i < n && g !== 1; i++) g = gcd(g, res[i]! - min);
  }
  if (g === 0) g = 1;
  for (let i = order; i < n; i++) sum += (res[i]! - min) / g;
  const m = n - order;
  const maxQ = (max - min) / g;
  plan.min = min;
  plan.gcd = g;
  const common = headBits + 1 + 6 + bitWidth(zigzag(min)) + 6 + bitWidth(g);
  plan.width = bitWidth(maxQ);
  plan.bits = common + 6 + m * plan.width;
  if (plan.width > 1) tryRice(plan, res, order, n, Math.round(sum / m), common);
  return plan;
}

/** Switches `plan` to Rice coding when some parameter k beats fixed-width packing. */
function tryRice(
  plan: ResidualPlan,
  res: Float64Array,
  order: number,
  n: number,
  center: number,
  common: number,
): void {
  let sumZ = 0;
  let maxZ = 0;
  if (scratchZ.length < n) scratchZ = new Float64Array(n * 2);
  for (let i = order; i < n; i++) {
    const z = zigzag((res[i]! - plan.min) / plan.gcd - center);
    scratchZ[i] = z;
    sumZ += z;
    if (z > maxZ) maxZ = z;
  }
  const escapeWidth = bitWidth(maxZ);
  const k0 = Math.max(0, bitWidth(Math.floor(sumZ / (n - order))) - 1);
  const head = common + 6 + bitWidth(center) + 6 + 6;
  const firstK = Math.max(0, k0 - 1);
  const lastK = Math.min(k0 + 2, escapeWidth - 1);
  if (lastK < firstK) return;
  const sizes = riceBits(scratchZ, order, n, firstK, lastK, escapeWidth);
  for (let k = firstK; k <= lastK; k++) {
    const bits = head + sizes[k - firstK]!;
    if (bits < plan.bits) {
      plan.mode = MODE_RICE;
      plan.width = k;
      plan.center = center;
      plan.escapeWidth = escapeWidth;
      plan.bits = bits;
    }
  }
}

/** The Rice-coded size in bits of the zigzagged residuals `zs` for each k in firstK..lastK (at most 4), in one pass. */
function riceBits(
  zs: Float64Array,
  order: number,
  n: number,
  firstK: number,
  lastK: number,
  escapeWidth: number,
): number[] {
  const sizes = [0, 0, 0, 0];
  const divs = [0, 1, 2, 3].map((j) => 2 ** (firstK + j));
  const escaped = RICE_ESCAPE + escapeWidth;
  const count = lastK - firstK + 1;
  for (let i = order; i < n; i++) {
    const z = zs[i]!;
    for (let j = 0; j < count; j++) {
      const q = Math.floor(z / divs[j]!);
      sizes[j]! += q < RICE_ESCAPE ? q + 1 + firstK + j : escaped;
    }
  }
  return sizes;
}

function writeResiduals(w: BitWriter, res: Float64Array, order: number, n: number, plan: ResidualPlan): void {
  if (order >= n) return;
  w.writeBit(plan.mode);
  w.writeVarWide(zigzag(plan.min));
  w.writeVarWide(plan.gcd);
  w.writeBits(plan.width, 6);
  if (plan.mode === MODE_PACKED) {
    for (let i = order; i < n; i++) w.writeWide((res[i]! - plan.min) / plan.gcd, plan.width);
    return;
  }
  w.writeVarWide(plan.center);
  w.writeBits(plan.escapeWidth, 6);
  const div = 2 ** plan.width;
  for (let i = order; i < n; i++) {
    const z = zigzag((res[i]! - plan.min) / plan.gcd - plan.center);
    const q = Math.floor(z / div);
    if (q < RICE_ESCAPE) {
      for (let j = 0; j < q; j++) w.writeBit(1);
      w.writeBit(0);
      w.writeWide(z - q * div, plan.width);
    } else {
      for (let j = 0; j < RICE_ESCAPE; j++) w.writeBit(1);
      w.writeWide(z, plan.escapeWidth);
    }
  }
}

/** Reads the residuals into out[order..n-1]. */
function readResiduals(r: BitReader, out: Float64Array, order: number): void {
  const n = out.length;
  if (order >= n) return;
  const mode = r.readBit();
  const min = unzigzag(r.readVarWide());
  const g = r.readVarWide();
  const width = r.readBits(6);
  if (mode === MODE_PACKED) {
    for (let i = order; i < n; i++) out[i] = min + g * r.readWide(width);
    return;
  }
  const center = r.readVarWide();
  const escapeWidth = r.readBits(6);
  const div = 2 ** width;
  for (let i = order; i < n; i++) {
    const q = r.readUnary(RICE_ESCAPE);
    const z = q < RICE_ESCAPE ? q * div + r.readWide(width) : r.readWide(escapeWidth);
    out[i] = min + g * (unzigzag(z) + center);
  }
}

function integrate(out: Float64Array, order: number): void {
  const n = out.length;
  if (order === 1) {
    for (let i = 1; i < n; i++) out[i] = out[i - 1]! + out[i]!;
  } else if (order === 2) {
    for (let i = 2; i < n; i++) out[i] = 2 * out[i - 1]! - out[i - 2]! + out[i]!;
  }
}

const INT32_MAX = 2 ** 31 - 1;

/** gcd of two non-negative int32s. */
function gcd32(a: number, b: number): number {
  let [x, y] = [a | 0, b | 0];
  while (y !== 0) {
    const t = (x % y) | 0;
    x = y;
    y = t;
  }
  return x;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
