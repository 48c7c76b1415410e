import type { CompiledNet } from './replay-net.ts';
import { grown, SearchNodes } from './search-nodes.ts';

/**
 * A list of at most 64 silent transitions touching at most 64 places, as the search on bits
 * uses it; built once per list. Places the list does not touch keep their tokens during a
 * search, so only the touched ones are bits (bit i is place `places[i]`).
 */
interface ListBits {
  places: Int32Array;
  /** Bit of each place of the net, -1 when the list does not touch it. */
  bitOf: Int32Array;
  /** Positions (bit 31 - k % 32 of word k / 32) consuming from each bit, and those without inputs (enabled in every marking). */
  consumersLow: Int32Array;
  consumersHigh: Int32Array;
  sources: Int32Array;
  /** Per position: the input places' bits (low word, high word), the output places' bits, and what firing does to a marking's hash. */
  inLow: Int32Array;
  inHigh: Int32Array;
  outLow: Int32Array;
  outHigh: Int32Array;
  delta: Int32Array;
  transitions: Int32Array;
}

/** The goals SilentSearch hands over: a transition's inputs, or a target marking (exactly, or covered as a fallback, or covered). */
export type BitGoal = { kind: 'enables'; transition: number } | { kind: 'target'; target: Int32Array; exact: boolean; cover: boolean };

const NOT_FOUND = -1;
const OVERFLOW = -2;
const NOT_WANTED = -3;
/** Places a marking of two 32-bit words holds, and silent transitions a set of two words. */
const MAX_BITS = 64;

/**
 * The silent-firing search of {@link SilentSearch} over lists of at most 64 transitions (arcs of
 * weight one) touching at most 64 places, on markings with at most 3 tokens on each of those
 * places, held as bit planes: bit 0 of every count in two 32-bit words, bit 1 in two more. A
 * firing is a few masks and a marking four numbers instead of a count per place. Inductive
 * Miner nets are safe, so their searches run here (on bpic2012 they expand ~17,000 markings of
 * 54 places), and so do nearly all of those on the Heuristics net, where tokens pile up by two.
 *
 * Nodes are created and expanded in the same order as by the search on token counts, so it
 * finds the same paths and stops at the same expansion limit. A firing that would put a fourth
 * token on a place ends the search with `undefined`, and the caller searches on counts instead.
 *
 * Replay runs once per process, so what counts is the work done before and while the JIT
 * compiles this code (most of a cold replay was compiling): the expansion is one small method
 * without loops over places, and only transitions consuming from a marked place are tried.
 */
export class BitSilentSearch extends SearchNodes {
  private readonly placeCount: number;
  private readonly inputs: readonly Int32Array[];
  private readonly outputs: readonly Int32Array[];
  private readonly keys: Int32Array;
  /** Lists by identity; null for one that does not fit in bits. */
  private readonly lists = new WeakMap<readonly number[], ListBits | null>();
  // Plain (not #private) fields: their loads are cheaper before the JIT compiles this code.
  /** Node markings: bit 0 of the counts in low and high, bit 1 in twosLow and twosHigh. */
  private low = new Int32Array(0);
  private high = new Int32Array(0);
  private twosLow = new Int32Array(0);
  private twosHigh = new Int32Array(0);
  private readonly startPlanes = new Int32Array(4);
  /** The first node covering the fallback of the current search; NOT_FOUND while none, NOT_WANTED without one. */
  private second = NOT_FOUND;

  constructor(net: CompiledNet) {
    super();
    this.placeCount = net.placeIds.length;
    this.inputs = net.inputs;
    this.outputs = net.outputs;
    // Any fixed values do; a small PRNG (mulberry32) spreads them over all 32 bits.
    this.keys = new Int32Array(MAX_BITS);
    let state = 0x2545f491;
    for (let p = 0; p < MAX_BITS; p++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      this.keys[p] = t ^ (t >>> 14);
    }
  }

  /**
   * As SilentSearch#find (after its reachability bound): null when no marking within the
   * limit meets `goal`, undefined when the search cannot run on bits (a list too large, a place
   * of the list with four tokens, now or on the way, a goal asking for two), and the caller
   * searches on counts instead.
   */
  find(start: Int32Array, silent: readonly number[], goal: BitGoal, maxExpansions: number): number[] | null | undefined {
    const list = this.listOf(silent);
    if (list === null) return undefined;
    const { places, bitOf } = list;
    // Token counts 0-3 as two bit planes: plane 0 holds bit 0 of each count, plane 1 bit 1.
    const planes = this.startPlanes;
    planes.fill(0);
    let hash = 0;
    for (let i = 0; i < places.length; i++) {
      const tokens = start[places[i]!]!;
      if (tokens > 3) return undefined;
      // Both planes written every time: a store the JIT had not seen (no place with two
      // tokens on the Inductive Miner's net) cost a recompile on the Heuristics net.
      const word = i < 32 ? 0 : 1;
      planes[word]! |= (tokens & 1) << (i & 31);
      planes[2 + word]! |= ((tokens >> 1) & 1) << (i & 31);
      hash = (hash + Math.imul(tokens, this.keys[i]!)) | 0;
    }
    let goalLow = 0;
    let goalHigh = 0;
    let exact = false;
    let fallback = false;
    if (goal.kind === 'enables') {
      const need = this.inputs[goal.transition]!;
      for (let i = 0; i < need.length; i += 2) {
        const bit = bitOf[need[i]!]!;
        // Tested before the branch, and the bits below set without one, so that the JIT has
        // seen every operation whatever the net (one it had not cost a recompile).
        const short = start[need[i]!]! < need[i + 1]!;
        // A place the list does not touch keeps its tokens: too few, and no search finds any.
        if (bit < 0) {
          if (short) return null;
        } else if (need[i + 1]! > 1) return undefined;
        else {
          goalLow |= (1 << (bit & 31)) & ((bit >> 5) - 1);
          goalHigh |= (1 << (bit & 31)) & (0 - (bit >> 5));
        }
      }
    } else {
      const target = goal.target;
      exact = goal.exact;
      let cover = goal.cover;
      for (let p = 0; p < target.length; p++) {
        const bit = bitOf[p]!;
        const same = start[p] === target[p];
        const enough = start[p]! >= target[p]!;
        // A place the list does not touch keeps its tokens.
        if (bit < 0) {
          exact &&= same;
          cover &&= enough;
        } else if (target[p]! > 1) return undefined;
        else if (target[p] === 1) {
          goalLow |= (1 << (bit & 31)) & ((bit >> 5) - 1);
          goalHigh |= (1 << (bit & 31)) & (0 - (bit >> 5));
        }
      }
      if (!exact && !cover) return null;
      fallback = exact && cover;
    }
    return this.searchBits(list, hash, goalLow, goalHigh, exact, fallback, maxExpansions);
  }

  private searchBits(
    list: ListBits,
    hash: number,
    goalLow: number,
    goalHigh: number,
    exact: boolean,
    fallback: boolean,
    maxExpansions: number,
  ): number[] | null | undefined {
    this.clearTable();
    this.count = 0;
    this.reserve(1);
    this.low[0] = this.startPlanes[0]!;
    this.high[0] = this.startPlanes[1]!;
    this.twosLow[0] = this.startPlanes[2]!;
    this.twosHigh[0] = this.startPlanes[3]!;
    this.commit(-1, -1, hash);
    this.second = fallback ? NOT_FOUND : NOT_WANTED;
    let found = NOT_FOUND;
    for (let node = 0, expansions = 1; node < this.count && found === NOT_FOUND && expansions <= maxExpansions; node++, expansions++) {
      // Room for every successor first: growing inside the expansion, a path the JIT had not
      // seen when it compiled it, cost a recompile.
      this.reserve(this.count + list.transitions.length);
      found = this.expandBits(node, list, goalLow, goalHigh, exact);
    }
    if (found === OVERFLOW) return undefined;
    if (found === NOT_FOUND) found = this.second;
    if (found < 0) return null;
    return this.pathTo(found);
  }

  /**
   * Adds the new successors of `node` in list order, testing each: the first meeting the goal
   * (`goalLow`, `goalHigh`: places needing a token, or the marking with one token on each when
   * `exact`) ends the expansion and is returned; NOT_FOUND otherwise, OVERFLOW when a firing
   * would put a fourth token on a place. The first covering the fallback goes to
   * `second`. Apart from the loop over nodes, so that the JIT compiles it once (a loop inside
   * one method was compiled twice, on the stack and then whole).
   */
  private expandBits(node: number, list: ListBits, goalLow: number, goalHigh: number, exact: boolean): number {
    const { consumersLow, consumersHigh, inLow, inHigh, outLow, outHigh } = list;
    const low = this.low[node]!;
    const high = this.high[node]!;
    const twosLow = this.twosLow[node]!;
    const twosHigh = this.twosHigh[node]!;
    // Places holding at least one token.
    const heldLow = low | twosLow;
    const heldHigh = high | twosHigh;
    let second = this.second;
    // Positions consuming from a marked place (or from none). Position k is bit 31 - k % 32 of
    // word k / 32, so that taking the highest bit first goes in list order: Math.clz32 finds it
    // without the negation `bits & -bits` that overflows on bit 31 (and made the JIT recompile).
    const sources = list.sources;
    let candidates = sources[0]!;
    let candidatesHigh = sources[1]!;
    for (let bits = heldLow; bits !== 0; ) {
      const p = 31 - Math.clz32(bits);
      bits ^= 1 << p;
      candidates |= consumersLow[p]!;
      candidatesHigh |= consumersHigh[p]!;
    }
    for (let bits = heldHigh; bits !== 0; ) {
      const p = 31 - Math.clz32(bits);
      bits ^= 1 << p;
      candidates |= consumersLow[p + 32]!;
      candidatesHigh |= consumersHigh[p + 32]!;
    }
    for (let word = 0, pending = candidates; word < 2; word++, pending = candidatesHigh) {
      while (pending !== 0) {
        const offset = Math.clz32(pending);
        pending ^= 1 << (31 - offset);
        const k = (word << 5) + offset;
        const needLow = inLow[k]!;
        const needHigh = inHigh[k]!;
        if ((heldLow & needLow) !== needLow || (heldHigh & needHigh) !== needHigh) continue;
        // One token less on each input: bit 0 flips; bit 1 flips where bit 0 was clear (2 → 1).
        let nextLow = low ^ needLow;
        let nextHigh = high ^ needHigh;
        let nextTwosLow = twosLow ^ (needLow & ~low);
        let nextTwosHigh = twosHigh ^ (needHigh & ~high);
        // One more on each output: bit 0 flips, carrying into bit 1 where it was set; a carry
        // out of bit 1 would make four tokens.
        const carryLow = nextLow & outLow[k]!;
        const carryHigh = nextHigh & outHigh[k]!;
        if (((nextTwosLow & carryLow) | (nextTwosHigh & carryHigh)) !== 0) return OVERFLOW;
        nextLow ^= outLow[k]!;
        nextHigh ^= outHigh[k]!;
        nextTwosLow ^= carryLow;
        nextTwosHigh ^= carryHigh;
        const hash = (this.hashes[node]! + list.delta[k]!) | 0;
        if (this.has(nextLow, nextHigh, nextTwosLow, nextTwosHigh, hash)) continue;
        const child = this.count;
        this.low[child] = nextLow;
        this.high[child] = nextHigh;
        this.twosLow[child] = nextTwosLow;
        this.twosHigh[child] = nextTwosHigh;
        this.commit(node, list.transitions[k]!, hash);
        // Every test runs on every child, so that the JIT has seen them all before it compiles
        // (one it had not seen cost a recompile); the fallback covers the goal's places.
        const heldNowLow = nextLow | nextTwosLow;
        const heldNowHigh = nextHigh | nextTwosHigh;
        const covers = (((heldNowLow & goalLow) ^ goalLow) | ((heldNowHigh & goalHigh) ^ goalHigh)) === 0;
        const equals = ((nextLow ^ goalLow) | (nextHigh ^ goalHigh) | nextTwosLow | nextTwosHigh) === 0;
        const vacant = second === NOT_FOUND;
        if (exact ? equals : covers) {
          this.second = second;
          return child;
        }
        if (covers && vacant) second = child;
      }
    }
    this.second = second;
    return NOT_FOUND;
  }

  private has(low: number, high: number, twosLow: number, twosHigh: number, hash: number): boolean {
    const table = this.table;
    const mask = table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const other = table[slot]!;
      if (other < 0) return false;
      if (
        this.hashes[other] === hash &&
        this.low[other] === low &&
        this.high[other] === high &&
        this.twosLow[other] === twosLow &&
        this.twosHigh[other] === twosHigh
      )
        return true;
    }
  }

  private listOf(silent: readonly number[]): ListBits | null {
    let list = this.lists.get(silent);
    if (list === undefined) {
      list = this.compile(silent);
      this.lists.set(silent, list);
    }
    return list;
  }

  private compile(silent: readonly number[]): ListBits | null {
    const n = silent.length;
    if (n > MAX_BITS) return null;
    const bitOf = new Int32Array(this.placeCount).fill(-1);
    const places: number[] = [];
    for (const s of silent) {
      for (const arcs of [this.inputs[s]!, this.outputs[s]!]) {
        for (let i = 0; i < arcs.length; i += 2) {
          if (arcs[i + 1] !== 1) return null;
          if (bitOf[arcs[i]!]! < 0) bitOf[arcs[i]!] = places.push(arcs[i]!) - 1;
        }
      }
    }
    if (places.length > MAX_BITS) return null;
    const list: ListBits = {
      places: Int32Array.from(places),
      bitOf,
      consumersLow: new Int32Array(MAX_BITS),
      consumersHigh: new Int32Array(MAX_BITS),
      sources: new Int32Array(2),
      inLow: new Int32Array(n),
      inHigh: new Int32Array(n),
      outLow: new Int32Array(n),
      outHigh: new Int32Array(n),
      delta: new Int32Array(n),
      transitions: Int32Array.from(silent),
    };
    for (let k = 0; k < n; k++) {
      const position = 1 << (31 - (k & 31));
      const consumers = k < 32 ? list.consumersLow : list.consumersHigh;
      if (this.inputs[silent[k]!]!.length === 0) list.sources[k >>> 5]! |= position;
      // A marking's hash is the sum of its counts times a key per place: firing adds the outputs' keys and takes the inputs'.
      let delta = 0;
      for (const [arcs, low, high, consumes] of [
        [this.inputs[silent[k]!]!, list.inLow, list.inHigh, true],
        [this.outputs[silent[k]!]!, list.outLow, list.outHigh, false],
      ] as const) {
        for (let i = 0; i < arcs.length; i += 2) {
          const bit = bitOf[arcs[i]!]!;
          if (bit < 32) low[k]! |= 1 << bit;
          else high[k]! |= 1 << (bit - 32);
          delta = (delta + (consumes ? -this.keys[bit]! : this.keys[bit]!)) | 0;
          if (consumes) consumers[bit]! |= position;
        }
      }
      list.delta[k] = delta;
    }
    return list;
  }

  protected growMarkings(capacity: number): void {
    this.low = grown(this.low, capacity);
    this.high = grown(this.high, capacity);
    this.twosLow = grown(this.twosLow, capacity);
    this.twosHigh = grown(this.twosHigh, capacity);
  }
}
