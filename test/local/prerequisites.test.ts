import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports.ts';
import { checkJava, parseJavaMajor } from '../../local/prerequisites.ts';

describe('checkJava', () => {
  it('reads the major version of old and new version strings', () => {
    expect(parseJavaMajor('java version "1.8.0_392"\nJava(TM) SE Runtime Environment')).toBe(8);
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('openjdk version "23-ea" 2024-09-17')).toBe(23);
    expect(parseJavaMajor('something else')).toBeUndefined();
  });

  it('accepts the Java on this machine', async () => {
    await expect(checkJava()).resolves.toBeUndefined();
  });

  it('says what to install when java is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(checkJava()).rejects.toThrow(/DynamoDB Local needs Java 17 or newer.*no `java` command.*apt-get install openjdk-17-jre-headless/s);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('freePort', () => {
  it('returns a port that can be listened on at 127.0.0.1', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
