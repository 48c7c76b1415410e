import type { CompiledNet } from './replay-net.ts';
import { grown, SearchNodes } from './search-nodes.ts';

/**
 * A list of at most 60 silent transitions touching at most 60 places, as the search on bits
 * uses it; built once per list. Places the list does not touch keep their tokens during a
 * search, so only the touched ones are bits (bit i is place `places[i]`).
 */
interface ListBits {
  places: Int32Array;
  /** Bit of each place of the net, -1 when the list does not touch it. */
  bitOf: Int32Array;
  /** Positions (bit 29 - k % 30 of word k / 30) consuming from each bit, and those without inputs (enabled in every marking). */
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
/**
 * Bits used of each 32-bit word: 30, so that every word, mask and hash is a small integer
 * (V8's Smi, 31 bits signed). Most of a search runs before the JIT has compiled it, where a
 * value outside that range is a heap number: with 32-bit words and hashes, the searches of the
 * Inductive Miner net's replay allocated ~4 MB of them (two scavenges) on bpic2012.
 */
const WORD = 30;
/** Places a marking of two words holds, and silent transitions a set of two words. */
const MAX_BITS = 2 * WORD;
/** Hashes are sums of per-place keys modulo 2^29: two of them add up to a small integer too. */
const HASH_MASK = 0x1fffffff;

/**
 * The silent-firing search of {@link SilentSearch} over lists of at most 60 transitions (arcs of
 * weight one) touching at most 60 places, on markings with at most 7 tokens on each of those
 * places, held as bit planes: bit 0 of every count in two words, bit 1 in two more, bit 2
 * in two more. A firing is a few masks and a marking six numbers instead of a count per place.
 * Inductive Miner nets are safe, so their searches run here (on bpic2012 they expand ~20,000
 * markings of 54 places), and so do all of those on bpic2012's Heuristics net, where tokens
 * pile up by up to six. (With two planes, 71 of its searches went on to the search on counts,
 * which then ran cold, and its first calls deoptimized the node code compiled for this class.)
 *
 * Nodes are created and expanded in the same order as by the search on token counts, so it
 * finds the same paths and stops at the same expansion limit. A firing that would put an eighth
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
  /** Node markings: bit 0 of the counts in low and high, bit 1 in twosLow and twosHigh, bit 2 in foursLow and foursHigh. */
  private low = new Int32Array(0);
  private high = new Int32Array(0);
  private twosLow = new Int32Array(0);
  private twosHigh = new Int32Array(0);
  private foursLow = new Int32Array(0);
  private foursHigh = new Int32Array(0);
  private readonly startPlanes = new Int32Array(6);
  /** The first node covering the fallback of the current search; NOT_FOUND while none, NOT_WANTED without one. */
  private second = NOT_FOUND;

  constructor(net: CompiledNet) {
    super();
    this.placeCount = net.placeIds.length;
    this.inputs = net.inputs;
    this.outputs = net.outputs;
    // Any fixed values do; a small PRNG (mulberry32) spreads them over the hash's 29 bits.
    this.keys = new Int32Array(MAX_BITS);
    let state = 0x2545f491;
    for (let p = 0; p < MAX_BITS; p++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      this.keys[p] = (t ^ (t >>> 14)) & HASH_MASK;
    }
  }

  /**
   * As SilentSearch#find (after its reachability bound): null when no marking within the
   * limit meets `goal`, undefined when the search cannot run on bits (a list too large, a place
   * of the list with eight tokens, now or on the way, a goal asking for two), and the caller
   * searches on counts instead.
   */
  find(start: Int32Array, silent: readonly number[], goal: BitGoal, maxExpansions: number): number[] | null | undefined {
    const list = this.listOf(silent);
    if (list === null) return undefined;
    const { places, bitOf } = list;
    // Token counts 0-7 as three bit planes: plane 0 holds bit 0 of each count, plane 1 bit 1, plane 2 bit 2.
    const planes = this.startPlanes;
    planes.fill(0);
    let hash = 0;
    for (let i = 0, n = places.length; i < n; i++) {
      const tokens = start[places[i]!]!;
      // Most places are empty (7 tokens on 54 places at most on bpic2012's Inductive Miner net).
      if (tokens === 0) continue;
      if (tokens > 7) return undefined;
      // Every plane written every time: a store the JIT had not seen (no place with two
      // tokens on the Inductive Miner's net) cost a recompile on the Heuristics net.
      const word = i < WORD ? 0 : 1;
      const bit = i - word * WORD;
      planes[word]! |= (tokens & 1) << bit;
      planes[2 + word]! |= ((tokens >> 1) & 1) << bit;
      planes[4 + word]! |= ((tokens >> 2) & 1) << bit;
      hash = (hash + Math.imul(tokens, this.keys[i]!)) & HASH_MASK;
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
          const upper = bit < WORD ? 0 : 1;
          goalLow |= (1 << (bit - upper * WORD)) & (upper - 1);
          goalHigh |= (1 << (bit - upper * WORD)) & (0 - upper);
        }
      }
    } else {
      const target = goal.target;
      exact = goal.exact;
      let cover = goal.cover;
      for (let p = 0, n = target.length; p < n; p++) {
        const bit = bitOf[p]!;
        const same = start[p] === target[p];
        const enough = start[p]! >= target[p]!;
        // A place the list does not touch keeps its tokens.
        if (bit < 0) {
          exact &&= same;
          cover &&= enough;
        } else if (target[p]! > 1) return undefined;
        else if (target[p] === 1) {
          const upper = bit < WORD ? 0 : 1;
          goalLow |= (1 << (bit - upper * WORD)) & (upper - 1);
          goalHigh |= (1 << (bit - upper * WORD)) & (0 - upper);
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
    this.foursLow[0] = this.startPlanes[4]!;
    this.foursHigh[0] = this.startPlanes[5]!;
    this.commit(-1, -1, hash);
    this.second = fallback ? NOT_FOUND : NOT_WANTED;
    let found = NOT_FOUND;
    const successors = list.transitions.length;
    for (let node = 0, expansions = 1; node < this.count && found === NOT_FOUND && expansions <= maxExpansions; node++, expansions++) {
      // Room for every successor first: growing inside the expansion, a path the JIT had not
      // seen when it compiled it, cost a recompile. (Tested here, not by a call per node.)
      if ((this.count + successors) * 2 > this.table.length || this.count + successors > this.parent.length) this.reserve(this.count + successors);
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
   * would put an eighth token on a place. The first covering the fallback goes to
   * `second`. Apart from the loop over nodes, so that the JIT compiles it once (a loop inside
   * one method was compiled twice, on the stack and then whole). The arrays are read into
   * locals and the table lookup and insertion written out here, without calls: most of this
   * runs before the JIT has compiled it, where every call and field load costs.
   */
  private expandBits(node: number, list: ListBits, goalLow: number, goalHigh: number, exact: boolean): number {
    const { consumersLow, consumersHigh, inLow, inHigh, outLow, outHigh, delta, transitions } = list;
    const lows = this.low;
    const highs = this.high;
    const twosLows = this.twosLow;
    const twosHighs = this.twosHigh;
    const foursLows = this.foursLow;
    const foursHighs = this.foursHigh;
    const hashes = this.hashes;
    const table = this.table;
    const mask = table.length - 1;
    const low = lows[node]!;
    const high = highs[node]!;
    const twosLow = twosLows[node]!;
    const twosHigh = twosHighs[node]!;
    const foursLow = foursLows[node]!;
    const foursHigh = foursHighs[node]!;
    const nodeHash = hashes[node]!;
    // Places holding at least one token.
    const heldLow = low | twosLow | foursLow;
    const heldHigh = high | twosHigh | foursHigh;
    let second = this.second;
    let count = this.count;
    let found = NOT_FOUND;
    // Positions consuming from a marked place (or from none). Position k is bit 29 - k % 30 of
    // word k / 30, so that taking the highest bit first goes in list order: Math.clz32 finds it.
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
      candidates |= consumersLow[p + WORD]!;
      candidatesHigh |= consumersHigh[p + WORD]!;
    }
    for (let word = 0, pending = candidates; word < 2 && found === NOT_FOUND; word++, pending = candidatesHigh) {
      while (pending !== 0) {
        const offset = Math.clz32(pending);
        pending ^= 1 << (31 - offset);
        const k = word * WORD + offset - 2;
        const needLow = inLow[k]!;
        const needHigh = inHigh[k]!;
        if ((heldLow & needLow) !== needLow || (heldHigh & needHigh) !== needHigh) continue;
        // One token less on each input: bit 0 flips; bit 1 flips where bit 0 was clear (2 → 1),
        // bit 2 where bits 0 and 1 were (4 → 3).
        const borrowLow = needLow & ~low;
        const borrowHigh = needHigh & ~high;
        let nextLow = low ^ needLow;
        let nextHigh = high ^ needHigh;
        let nextTwosLow = twosLow ^ borrowLow;
        let nextTwosHigh = twosHigh ^ borrowHigh;
        let nextFoursLow = foursLow ^ (borrowLow & ~twosLow);
        let nextFoursHigh = foursHigh ^ (borrowHigh & ~twosHigh);
        // One more on each output: bit 0 flips, carrying into bit 1 where it was set, and on
        // into bit 2; a carry out of bit 2 would make eight tokens.
        const outputLow = outLow[k]!;
        const outputHigh = outHigh[k]!;
        const carryLow = nextLow & outputLow;
        const carryHigh = nextHigh & outputHigh;
        const carryTwosLow = nextTwosLow & carryLow;
        const carryTwosHigh = nextTwosHigh & carryHigh;
        if (((nextFoursLow & carryTwosLow) | (nextFoursHigh & carryTwosHigh)) !== 0) {
          found = OVERFLOW;
          break;
        }
        nextLow ^= outputLow;
        nextHigh ^= outputHigh;
        nextTwosLow ^= carryLow;
        nextTwosHigh ^= carryHigh;
        nextFoursLow ^= carryTwosLow;
        nextFoursHigh ^= carryTwosHigh;
        const hash = (nodeHash + delta[k]!) & HASH_MASK;
        // Known already? The probe stops at the free slot where a new node goes.
        let slot = hash & mask;
        let other = table[slot]!;
        while (
          other >= 0 &&
          (hashes[other] !== hash ||
            lows[other] !== nextLow ||
            highs[other] !== nextHigh ||
            twosLows[other] !== nextTwosLow ||
            twosHighs[other] !== nextTwosHigh ||
            foursLows[other] !== nextFoursLow ||
            foursHighs[other] !== nextFoursHigh)
        ) {
          slot = (slot + 1) & mask;
          other = table[slot]!;
        }
        if (other >= 0) continue;
        const child = count++;
        lows[child] = nextLow;
        highs[child] = nextHigh;
        twosLows[child] = nextTwosLow;
        twosHighs[child] = nextTwosHigh;
        foursLows[child] = nextFoursLow;
        foursHighs[child] = nextFoursHigh;
        this.parent[child] = node;
        this.via[child] = transitions[k]!;
        hashes[child] = hash;
        table[slot] = child;
        // Every test runs on every child, so that the JIT has seen them all before it compiles
        // (one it had not seen cost a recompile); the fallback covers the goal's places.
        const heldNowLow = nextLow | nextTwosLow | nextFoursLow;
        const heldNowHigh = nextHigh | nextTwosHigh | nextFoursHigh;
        const covers = (((heldNowLow & goalLow) ^ goalLow) | ((heldNowHigh & goalHigh) ^ goalHigh)) === 0;
        const equals = ((nextLow ^ goalLow) | (nextHigh ^ goalHigh) | nextTwosLow | nextTwosHigh | nextFoursLow | nextFoursHigh) === 0;
        const vacant = second === NOT_FOUND;
        if (exact ? equals : covers) {
          found = child;
          break;
        }
        if (covers && vacant) second = child;
      }
    }
    this.count = count;
    this.second = second;
    return found;
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
    // Indexed loops, without arrays of arrays to iterate: this runs once per list, cold.
    for (let k = 0; k < n; k++) {
      for (let side = 0; side < 2; side++) {
        const arcs = side === 0 ? this.inputs[silent[k]!]! : this.outputs[silent[k]!]!;
        for (let i = 0; i < arcs.length; i += 2) {
          if (arcs[i + 1] !== 1) return null;
          if (bitOf[arcs[i]!]! < 0) bitOf[arcs[i]!] = places.push(arcs[i]!) - 1;
        }
      }
    }
    if (places.length > MAX_BITS) return null;
    const list: ListBits = {
      places: new Int32Array(places),
      bitOf,
      consumersLow: new Int32Array(MAX_BITS),
      consumersHigh: new Int32Array(MAX_BITS),
      sources: new Int32Array(2),
      inLow: new Int32Array(n),
      inHigh: new Int32Array(n),
      outLow: new Int32Array(n),
      outHigh: new Int32Array(n),
      delta: new Int32Array(n),
      transitions: new Int32Array(silent),
    };
    for (let k = 0; k < n; k++) {
      const word = k < WORD ? 0 : 1;
      const position = 1 << (WORD - 1 - (k - word * WORD));
      const consumers = word === 0 ? list.consumersLow : list.consumersHigh;
      if (this.inputs[silent[k]!]!.length === 0) list.sources[word]! |= position;
      // A marking's hash is the sum of its counts times a key per place: firing adds the outputs' keys and takes the inputs'.
      let delta = 0;
      const inputs = this.inputs[silent[k]!]!;
      for (let i = 0; i < inputs.length; i += 2) {
        const bit = bitOf[inputs[i]!]!;
        if (bit < WORD) list.inLow[k]! |= 1 << bit;
        else list.inHigh[k]! |= 1 << (bit - WORD);
        delta = (delta - this.keys[bit]!) & HASH_MASK;
        consumers[bit]! |= position;
      }
      const outputs = this.outputs[silent[k]!]!;
      for (let i = 0; i < outputs.length; i += 2) {
        const bit = bitOf[outputs[i]!]!;
        if (bit < WORD) list.outLow[k]! |= 1 << bit;
        else list.outHigh[k]! |= 1 << (bit - WORD);
        delta = (delta + this.keys[bit]!) & HASH_MASK;
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
    this.foursLow = grown(this.foursLow, capacity);
    this.foursHigh = grown(this.foursHigh, capacity);
  }
}
