import { describe, expect, it } from 'vitest';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { decodeAttribute } from '../../../functions/mining/ingest/xes-scanner.ts';
import { bytes } from './helpers.ts';
import { readXesWithSaxes } from './xes-saxes-reference.ts';

const tricky = `\ufeff<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE log [ <!ELEMENT log ANY> ]>
<!-- a comment with > and <tags> inside -->
<log xes.version="1.0">
  <?pi some > stuff?>
  <trace>
    <event>
      <string key = 'concept:name' value = 'Prüfen &amp; "freigeben" 審査'/>
      <date key="time:timestamp" value="2011-01-01T10:00:00.000+01:00"/>
      <string key="org:resource" value="line&#10;break&#x9;tab\r\nend"/>
      <string key="lifecycle:transition" value=""/>
    </event>
    <event><![CDATA[ <event> not a tag ]]>
      <date key="time:timestamp" value=" 2011-01-01T08:30:00Z "/>
      <string key="concept:name" value="Register"/>
      <string key="concept:name"/>
    </event>
    <event>
      <date key="time:timestamp" value="&#50;011-01-01T09:00:00Z"/>
      <string key="concept:name" value="A"/>
    </event>
    <event>
      <date key="time:timestamp" value="not a date"/>
      <string key="concept:name" value="B"/>
    </event>
    <event>
      <string key="concept:name" value="C"/>
      <date key="time:timestamp" value="1293872400"/>
    </event>
    <string key="concept:n&#97;me" value="case &lt;1&gt;"/>
  </trace>
  <trace><string key="concept:name" value="c2"/><event><string key="concept:name" value="A"/><date key="time:timestamp" value="2011-01-02T00:00:00Z"/></event></trace>
  <trace><event><string key="concept:name" value="no case"/></event></trace>
</log>
`;

describe('XES byte scanner', () => {
  for (const chunkSize of [1, 3, 17, 1 << 16]) {
    it(`reads what the saxes reader read (chunks of ${chunkSize} bytes)`, async () => {
      const expected = await readXesWithSaxes(bytes(tricky, 1 << 16), {});
      const actual = await readEventLog(bytes(tricky, chunkSize), { format: 'xes' });
      expect(actual).toEqual(expected);
      expect(actual.log.caseIds).toContain('case <1>');
      expect(actual.log.resources).toContain('line\nbreak\ttab end');
    });
  }

  it('reads a start timestamp key and custom keys like the saxes reader', async () => {
    const doc = `<log><trace><string key="id" value="x"/><event><string key="act" value="A"/><date key="s" value="2020-01-01T00:00:00Z"/><date key="e" value="2020-01-01T01:00:00Z"/></event></trace></log>`;
    const columnMapping = { caseId: 'id', activity: 'act', startTimestamp: 's', timestamp: 'e' };
    expect(await readEventLog(bytes(doc, 5), { format: 'xes', columnMapping })).toEqual(await readXesWithSaxes(bytes(doc), { columnMapping }));
  });

  it.each([
    ['mismatched tags', '<log><trace></log>'],
    ['an unclosed root', '<log><trace></trace>'],
    ['no root element', '   '],
    ['text outside the root', '<log></log>junk'],
    ['two roots', '<log/><log/>'],
    ['an unterminated comment', '<log><!-- ...</log>'],
    ['an unquoted attribute', '<log a=b></log>'],
    ['< in an attribute value', '<log a="<"></log>'],
    ['an undefined entity', '<log><trace><event><string key="concept:name" value="&nbsp;"/></event></trace></log>'],
  ])('rejects %s', async (_, doc) => {
    await expect(readEventLog(bytes(doc), { format: 'xes' })).rejects.toThrow();
    await expect(readXesWithSaxes(bytes(doc), {})).rejects.toThrow();
  });

  it('normalizes attribute values as XML does', () => {
    expect(decodeAttribute('a\r\nb\rc\nd\te')).toBe('a b c d e');
    expect(decodeAttribute('&lt;&gt;&amp;&quot;&apos;&#65;&#x1F600;')).toBe(`<>&"'A\u{1F600}`);
    expect(() => decodeAttribute('&#0;')).toThrow();
  });
});
