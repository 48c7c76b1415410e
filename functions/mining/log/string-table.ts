/** Dictionary encoder: assigns dense codes to strings in order of first appearance. */
export class StringTable {
  readonly values: string[] = [];
  private readonly codes = new Map<string, number>();
  // Consecutive events very often repeat a value (same resource, same lifecycle), so a
  // one-entry cache skips most hash lookups.
  private lastValue: string | undefined;
  private lastCode = 0;

  intern(value: string): number {
    if (value === this.lastValue) return this.lastCode;
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    this.lastValue = value;
    this.lastCode = code;
    return code;
  }
}
