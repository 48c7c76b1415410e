import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/synthetic-log.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { decodeAttribute } from '../../../functions/mining/ingest/xes-scanner.ts';
import { XmlValueCodes } from '../../../functions/mining/ingest/xml-value-codes.ts';
import { XmlTagNames } from '../../../functions/mining/ingest/xml-tag-names.ts';
import { XesTimestampParser } from '../../../functions/mining/ingest/xes-timestamp.ts';
import { parseTimestampBytes } from '../../../functions/mining/ingest/timestamp.ts';
import { readXesWithSaxes } from './xes-saxes-reference.ts';

/**
 * The XES reader's fast paths (keys compared as raw bytes, values coded once per raw spelling,
 * timestamps parsed from bytes, `key="`/`value="` matched at once, the carry joined to a part of
 * the next chunk only) against the saxes reader they replaced, on random documents cut into
 * random chunks: the same log and validation, not just close ones.
 */

/** Raw attribute values: several spellings of one string, tabs and line ends, non-ASCII, malformed UTF-8. */
const VALUES: readonly (string | Uint8Array)[] = [
  'A',
  'B',
  'A&amp;B',
  'A&#38;B',
  'A&#x26;B',
  'AB',
  'A&#66;',
  '&#65;B',
  'x\ty',
  'x y',
  'x&#9;y',
  'line&#10;break',
  'a\r\nb',
  'a b',
  'Prüfen',
  'Pr&#252;fen',
  '審査',
  "it's",
  'say &quot;hi&quot;',
  Uint8Array.of(0x58, 0xff, 0x59),
  Uint8Array.of(0x58, 0xfe, 0x59),
  Uint8Array.of(0x58, 0xef, 0xbf, 0xbd, 0x59),
];

const TIMESTAMPS: readonly string[] = [
  '2011-01-01T10:00:00.000+01:00',
  '2011-01-01T08:30:00Z',
  '2011-01-01T08:30:00.123Z',
  ' 2011-01-02T08:30:00Z ',
  '\t2011-01-03T00:00:00Z\r\n',
  '&#50;011-01-01T09:00:00Z',
  '2011-01-01\n10:00:00',
  '2011-01-01&#x20;11:00:00',
  '2011-01-04 12:00',
  '2011-02-30T00:00:00Z',
  'not a date',
  '1293872400',
  '',
];

type Piece = string | Uint8Array;

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** ` name="value"` with random quotes and white space (a value holding `'` keeps double quotes). */
function attribute(random: () => number, name: string, value: Piece): Piece[] {
  const quote = typeof value === 'string' && value.includes("'") ? '"' : random() < 0.3 ? "'" : '"';
  const space = () => (random() < 0.15 ? pick(random, [' ', '\n  ', '\t']) : '');
  return [` ${name}${space()}=${space()}${quote}`, value, quote];
}

function element(random: () => number, tag: string, key: string, value: Piece | null): Piece[] {
  const parts: Piece[] = [`<${tag}`];
  const keyPart = attribute(random, 'key', key);
  const valuePart = value === null ? [] : attribute(random, 'value', value);
  if (random() < 0.2) parts.push(...valuePart, ...keyPart);
  else parts.push(...keyPart, ...valuePart);
  if (random() < 0.1) parts.push(...attribute(random, 'extra', 'z'));
  if (random() < 0.15) {
    parts.push('>', `<string key="concept:name" value="NESTED"/>`, `</${tag}>`);
  } else parts.push(random() < 0.2 ? ' />' : '/>');
  return parts;
}

const KEYS = { caseId: 'concept:name', activity: 'concept:name', timestamp: 'time:timestamp', resource: 'org:resource', lifecycle: 'lifecycle:transition' };

/** `long`: some values span several chunks (a document cut into bytes then costs quadratic time, as it always did). */
function randomDocument(random: () => number, keys: typeof KEYS & { startTimestamp?: string }, long: boolean): Uint8Array {
  const parts: Piece[] = [random() < 0.3 ? '\ufeff' : '', '<?xml version="1.0" encoding="UTF-8" ?>\n', '<!-- generated -->\n<log xes.version="1.0">\n'];
  parts.push('<global scope="event"><string key="concept:name" value="GLOBAL"/></global>\n');
  const traces = 1 + Math.floor(random() * 12);
  for (let t = 0; t < traces; t++) {
    parts.push('<trace>');
    const caseAt = random() < 0.8 ? Math.floor(random() * 4) : -1;
    const events = Math.floor(random() * 6);
    for (let e = 0; e <= events; e++) {
      if (e === caseAt)
        parts.push(...element(random, 'string', keys.caseId, random() < 0.9 ? `case ${Math.floor(random() * 8)}${random() < 0.2 ? ' &amp; co' : ''}` : ''));
      if (e === events) break;
      if (random() < 0.1) parts.push('<!-- a > comment -->');
      parts.push('<event>\n');
      const fields: Piece[][] = [];
      if (random() < 0.95) fields.push(element(random, 'string', keys.activity, random() < 0.95 ? pick(random, VALUES) : ''));
      if (random() < 0.9) fields.push(element(random, 'date', keys.timestamp, random() < 0.95 ? pick(random, TIMESTAMPS) : null));
      if (keys.startTimestamp !== undefined && random() < 0.7) fields.push(element(random, 'date', keys.startTimestamp, pick(random, TIMESTAMPS)));
      if (random() < 0.7) fields.push(element(random, 'string', keys.resource, pick(random, VALUES)));
      if (random() < 0.6) fields.push(element(random, 'string', keys.lifecycle, pick(random, ['complete', 'start', 'COMPLETE', 'START'])));
      if (random() < 0.3) fields.push(element(random, 'int', 'cost', String(Math.floor(random() * 100))));
      // A key spelled with a reference still names the field once decoded.
      if (random() < 0.05) fields.push(element(random, 'string', 'concept:n&#97;me', pick(random, VALUES)));
      if (long && random() < 0.05) fields.push([`<string key="long" value="${'v'.repeat(20_000 + Math.floor(random() * 50_000))}"/>`]);
      for (let f = fields.length - 1; f > 0; f--) {
        const g = Math.floor(random() * (f + 1));
        [fields[f], fields[g]] = [fields[g]!, fields[f]!];
      }
      for (const field of fields) parts.push('\t\t', ...field, '\n');
      if (random() < 0.05) parts.push('<![CDATA[ <event> not a tag ]]>');
      if (random() < 0.05) parts.push('<?pi some > stuff?>');
      parts.push('</event>\n');
    }
    parts.push(random() < 0.1 ? '</trace >\n' : '</trace>\n');
  }
  parts.push('</log>\n');
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

function randomChunks(data: Uint8Array, random: () => number, scale: number): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let i = 0; i < data.length; ) {
      const size = 1 + Math.floor(random() * scale);
      yield data.subarray(i, i + size);
      i += size;
    }
  })();
}

describe('XES reader fast paths', () => {
  it('reads random documents as the saxes reader does, cut into random chunks', async () => {
    const random = seededRandom(2012);
    let events = 0;
    for (let round = 0; round < 150; round++) {
      const custom = random() < 0.25;
      const columnMapping = custom ? { caseId: 'id', activity: 'act', timestamp: 'end', startTimestamp: 'begin' } : undefined;
      const keys = custom ? { ...KEYS, caseId: 'id', activity: 'act', timestamp: 'end', startTimestamp: 'begin' } : KEYS;
      const scale = pick(random, [1, 4, 64, 5000, 70_000]);
      const doc = randomDocument(random, keys, scale >= 5000);
      const timeWindow = random() < 0.2 ? { start: Date.UTC(2011, 0, 1, 9), end: Date.UTC(2011, 0, 3) } : undefined;
      const options = { columnMapping, inferMissingTimestamps: random() < 0.8, timeWindow };
      const progress: [number[], number[]] = [[], []];
      const read = <T>(reading: Promise<T>) => reading.catch((error: Error) => error.message);
      const expected = await read(readXesWithSaxes(randomChunks(doc, random, 1 << 16), { ...options, onProgress: (n) => progress[0].push(n) }));
      const actual = await read(readEventLog(randomChunks(doc, random, scale), { format: 'xes', ...options, onProgress: (n) => progress[1].push(n) }));
      expect(actual).toEqual(expected);
      expect(progress[1]).toEqual(progress[0]);
      if (typeof actual !== 'string') events += actual.log.activityCodes.length;
    }
    expect(events).toBeGreaterThan(1000);
  });

  it.each([
    ['< in an attribute value', '<log><trace a="x<y"></trace></log>'],
    ['< in a value a chunk away', `<log><trace><event><string key="k" value="${'x'.repeat(9000)}<"/></event></trace></log>`],
    ['an unterminated value', '<log><trace><string key="k" value="abc/></trace></log>'],
    ['a mismatched end tag', '<log><trace><event></trace></event></log>'],
    ['text after the root', '<log></log><log/>'],
  ])('rejects %s at any chunk size, with the same message', async (_, doc) => {
    const messages = new Set<string>();
    for (const size of [1, 2, 3, 7, 4096, 1 << 16]) {
      const error = await readEventLog(
        randomChunks(Buffer.from(doc), () => 0.999, size),
        { format: 'xes' },
      ).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      messages.add((error as Error).message);
    }
    expect(messages.size).toBe(1);
    await expect(
      readXesWithSaxes(
        randomChunks(Buffer.from(doc), () => 0.5, 100),
        {},
      ),
    ).rejects.toThrow();
  });

  it('matches keys as decoded text, malformed UTF-8 included', async () => {
    const doc = Buffer.concat([
      Buffer.from('<log><trace><string key="c&#x26;se" value="c1"/><event><string key="a'),
      Uint8Array.of(0xff),
      Buffer.from('b" value="A"/><date key="time:timestamp" value="2020-01-01T00:00:00Z"/></event></trace></log>'),
    ]);
    const options = { columnMapping: { caseId: 'c&se', activity: 'a\ufffdb' } };
    const expected = await readXesWithSaxes(
      randomChunks(doc, () => 0.5, 7),
      options,
    );
    expect(expected.log.caseIds).toEqual(['c1']);
    expect(
      await readEventLog(
        randomChunks(doc, () => 0.5, 7),
        { format: 'xes', ...options },
      ),
    ).toEqual(expected);
  });

  it('takes the last of repeated key and value attributes', async () => {
    const doc = `<log><trace><string key="concept:name" value="c1"/><event><string key="x" key="concept:name" value="A" value="B"/><date key="time:timestamp" value="2020-01-01T00:00:00Z"/></event></trace></log>`;
    const { log } = await readEventLog(
      randomChunks(Buffer.from(doc), () => 0.5, 10),
      { format: 'xes' },
    );
    expect(log.activities).toEqual(['B']);
  });
});

describe('XML value codes', () => {
  it('give one code per decoded string, whatever the spelling', () => {
    const random = seededRandom(5);
    const codes = new XmlValueCodes();
    const plain = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const raw = pick(random, VALUES);
      const bytes = Buffer.concat([
        Buffer.from('..'),
        typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw,
        Buffer.from(String(Math.floor(random() * 40))),
      ]);
      const code = codes.codeOf(bytes, 2, bytes.length);
      const text = decodeAttribute(bytes.toString('utf8', 2));
      expect(codes.values[code]).toBe(text);
      const known = plain.get(text);
      if (known === undefined) plain.set(text, code);
      else expect(code).toBe(known);
    }
    expect(codes.values.length).toBe(plain.size);
    expect(new Set(codes.values).size).toBe(codes.values.length);
  });
});

describe('XML tag names', () => {
  it('give one id per name, whatever the byte form of a malformed one', () => {
    const names = new XmlTagNames();
    const trace = names.idOf('trace');
    const bytes = Buffer.from('<trace><x\xffy><x\xfey><string>', 'latin1');
    expect(names.id(bytes, 1, 6)).toBe(trace);
    expect(names.id(bytes, 8, 11)).toBe(names.id(bytes, 13, 16));
    expect(names.nameOf(names.id(bytes, 18, 24))).toBe('string');
  });
});

describe('XES timestamp fast path', () => {
  it('reads what the general parser reads, to the bit, valid or not', () => {
    const random = seededRandom(29);
    const parser = new XesTimestampParser();
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      const year = random() < 0.1 ? Math.floor(random() * 10_000) : 1900 + Math.floor(random() * 200);
      const text =
        `${pad(year, 4)}-${pad(Math.floor(random() * 14), 2)}-${pad(Math.floor(random() * 32), 2)}T` +
        `${pad(Math.floor(random() * 26), 2)}:${pad(Math.floor(random() * 61), 2)}:${pad(Math.floor(random() * 61), 2)}.${pad(Math.floor(random() * 1000), 3)}` +
        `${random() < 0.5 ? '+' : '-'}${pad(Math.floor(random() * 25), 2)}:${pad(Math.floor(random() * 61), 2)}`;
      const bytes = Buffer.from(text, 'latin1');
      // Now and then a byte replaced: separators, signs, digits, letters.
      if (random() < 0.2) bytes[Math.floor(random() * bytes.length)] = pick(random, [0x20, 0x2b, 0x2d, 0x2e, 0x3a, 0x30, 0x39, 0x54, 0x5a, 0x74, 0x2f]);
      const framed = Buffer.concat([Buffer.from('x"'), bytes, Buffer.from('"')]);
      const expected = parseTimestampBytes(framed, 2, 2 + bytes.length);
      expect(Object.is(parser.parse(framed, 2, 2 + bytes.length), expected)).toBe(true);
      if (!Number.isNaN(expected)) fast++;
    }
    // Both outcomes are exercised: many valid values, and invalid ones.
    expect(fast).toBeGreaterThan(5000);
    expect(fast).toBeLessThan(19_000);
  });
});
