import { execFile } from 'node:child_process';

/** Oldest Java major version the bundled DynamoDB Local JAR runs on. */
export const MIN_JAVA_MAJOR = 17;

const installHint =
  'install e.g. `apt-get install openjdk-17-jre-headless` (Debian/Ubuntu), `brew install openjdk@17` (macOS) ' +
  'or a Temurin 17+ build from https://adoptium.net, and make sure `java` is on PATH';

/**
 * Checks that `java` is on PATH and is version 17 or newer, which DynamoDB Local needs.
 * Throws an Error whose message says what to install when it is not.
 */
export async function checkJava(): Promise<void> {
  let output: string;
  try {
    output = await new Promise<string>((resolve, reject) => {
      // `java -version` prints to stderr; some builds print to stdout.
      execFile('java', ['-version'], { timeout: 15_000 }, (error, stdout, stderr) => {
        if (error) reject(error);
        else resolve(`${stderr}\n${stdout}`);
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no `java` command was found on PATH' : `\`java -version\` failed: ${(error as Error).message}`;
    throw new Error(`DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or newer, but ${reason}. To fix it, ${installHint}.`);
  }
  const major = parseJavaMajor(output);
  if (major === undefined) {
    throw new Error(
      `DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or newer, but the output of \`java -version\` could not be understood:\n${output.trim()}\nTo fix it, ${installHint}.`,
    );
  }
  if (major < MIN_JAVA_MAJOR) {
    throw new Error(`DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or newer, but \`java\` on PATH is Java ${major}. To fix it, ${installHint}.`);
  }
}

/** `1.8.0_392` -> 8, `17.0.15` -> 17, `21` -> 21, `22-ea` -> 22. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}
