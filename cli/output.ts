import { styleText } from 'node:util';

/** Where a command writes: `--json` prints one JSON document and nothing else; decoration only on a terminal. */
export class Output {
  readonly json: boolean;
  /** Bars, colours and redrawn lines: only on a terminal, and never under `--json`. */
  readonly interactive: boolean;
  /** NO_COLOR (no-color.org) turns colour off and leaves the bars. */
  private readonly colour: boolean;

  constructor(options: { json?: boolean }, private readonly stdout: NodeJS.WriteStream = process.stdout) {
    this.json = Boolean(options.json);
    this.interactive = Boolean(stdout.isTTY) && !this.json && process.env.TERM !== 'dumb';
    this.colour = this.interactive && !process.env.NO_COLOR;
  }

  /** A line for people; silent under `--json`. */
  line(text = ''): void {
    if (!this.json) this.stdout.write(`${text}\n`);
  }

  /** The one document a `--json` run prints. */
  document(value: unknown): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  style(format: Parameters<typeof styleText>[0], text: string): string {
    return this.colour ? styleText(format, text) : text;
  }

  /** Left-aligned columns padded to the widest cell; plain text, so it reads the same in a file. */
  table(headers: string[], rows: (string | number | null | undefined)[][]): void {
    const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))))];
    const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
    const render = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
    this.line(this.style('bold', render(cells[0]!)));
    for (const row of cells.slice(1)) this.line(render(row));
  }

  /** Two columns: a label and its value. */
  pairs(rows: [string, string | number | null | undefined][]): void {
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, value] of rows) this.line(`${label.padEnd(width)}  ${value === null || value === undefined ? '-' : value}`);
  }
}
