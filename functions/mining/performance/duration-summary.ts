/** Durations in seconds over the occurrences where the duration could be measured. */
export interface DurationSummary {
  /** Occurrences with a measured value. */
  count: number;
  totalSeconds: number;
  meanSeconds: number;
  /** Upper of the two middle values for an even count, as caseDurationStats and PM4Py report it. */
  medianSeconds: number;
}

/** Summary of `seconds` (any order; sorted in place), or null when there is nothing measured. */
export function summarizeDurations(seconds: Float64Array): DurationSummary | null {
  const n = seconds.length;
  if (n === 0) return null;
  seconds.sort();
  let total = 0;
  for (let i = 0; i < n; i++) total += seconds[i]!;
  return { count: n, totalSeconds: total, meanSeconds: total / n, medianSeconds: seconds[Math.floor(n / 2)]! };
}

/**
 * Collects values per group without an array of arrays: values are appended to one buffer
 * with the group of each, then gathered group by group.
 */
export class GroupedValues {
  private groups: Uint32Array;
  private values: Float64Array;
  private size = 0;

  constructor(capacity: number) {
    this.groups = new Uint32Array(Math.max(capacity, 1));
    this.values = new Float64Array(Math.max(capacity, 1));
  }

  push(group: number, value: number): void {
    if (this.size === this.values.length) {
      const groups = new Uint32Array(this.size * 2);
      groups.set(this.groups);
      this.groups = groups;
      const values = new Float64Array(this.size * 2);
      values.set(this.values);
      this.values = values;
    }
    this.groups[this.size] = group;
    this.values[this.size++] = value;
  }

  /** The values of each group 0..groupCount-1, in insertion order. */
  byGroup(groupCount: number): Float64Array[] {
    const counts = new Uint32Array(groupCount);
    for (let i = 0; i < this.size; i++) counts[this.groups[i]!]!++;
    const out = Array.from({ length: groupCount }, (_, g) => new Float64Array(counts[g]!));
    const cursor = new Uint32Array(groupCount);
    for (let i = 0; i < this.size; i++) {
      const g = this.groups[i]!;
      out[g]![cursor[g]!++] = this.values[i]!;
    }
    return out;
  }
}
