import type { EventLog } from './event-log.ts';

/** Cases grouped by activity sequence; variant ids in order of first appearance. */
export interface CaseVariants {
  /** Variant id of each case. */
  ofCase: Uint32Array;
  /** First case of each variant. */
  firstCase: Uint32Array;
  /** Cases of each variant. */
  counts: Uint32Array;
}

/**
 * Open-addressing table from a case's hash to its variant, comparing code sequences on a hash
 * match. Sized for every case being a variant of its own, so it never grows: the growth and
 * rehash code made TurboFan's compilation of the walk (CPU a cold run pays) twice as long.
 * Untouched pages of the typed arrays cost nothing; slots hold variant + 1 so that empty is 0
 * and needs no fill.
 */
export class VariantTable {
  readonly #codes: Uint32Array;
  readonly #offsets: Uint32Array;
  readonly #ofCase: Uint32Array;
  readonly #firstCase: Uint32Array;
  readonly #counts: Uint32Array;
  readonly #hashes: Int32Array;
  readonly #slots: Int32Array;
  readonly #mask: number;
  #size = 0;

  constructor(log: EventLog, cases: number) {
    this.#codes = log.activityCodes;
    this.#offsets = log.caseOffsets;
    this.#ofCase = new Uint32Array(cases);
    this.#firstCase = new Uint32Array(cases);
    this.#counts = new Uint32Array(cases);
    this.#hashes = new Int32Array(cases);
    // At most half full: a power of two of at least twice the cases.
    let slots = 256;
    while (slots < 2 * cases) slots *= 2;
    this.#slots = new Int32Array(slots);
    this.#mask = slots - 1;
  }

  /** Case `c` (events `[from, to)`, hash `hash`) joins its variant, new ones numbered in order. */
  add(c: number, hash: number, from: number, to: number): void {
    const slots = this.#slots;
    let slot = hash & this.#mask;
    let id = -1;
    for (;;) {
      const entry = slots[slot]! - 1;
      if (entry < 0) break;
      if (this.#hashes[entry] === hash && sameSequence(this.#codes, this.#offsets, this.#firstCase[entry]!, from, to)) {
        id = entry;
        break;
      }
      slot = (slot + 1) & this.#mask;
    }
    if (id < 0) {
      id = this.#size++;
      this.#firstCase[id] = c;
      this.#hashes[id] = hash;
      slots[slot] = id + 1;
    }
    this.#ofCase[c] = id;
    this.#counts[id]!++;
  }

  result(): CaseVariants {
    return { ofCase: this.#ofCase, firstCase: this.#firstCase.slice(0, this.#size), counts: this.#counts.slice(0, this.#size) };
  }
}

function sameSequence(codes: Uint32Array, offsets: Uint32Array, other: number, from: number, to: number): boolean {
  const start = offsets[other]!;
  if (offsets[other + 1]! - start !== to - from) return false;
  for (let i = 0; i < to - from; i++) if (codes[start + i] !== codes[from + i]) return false;
  return true;
}
