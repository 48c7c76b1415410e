import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors.ts';

export interface Config {
  baseUrl: string;
  token: string;
}

/** `$PMJ_CONFIG_DIR`, else the platform's user config folder (XDG on Linux, APPDATA on Windows), then `pmj`. */
export function configDir(env = process.env): string {
  if (env.PMJ_CONFIG_DIR) return env.PMJ_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || (process.platform === 'win32' && env.APPDATA) || join(homedir(), process.platform === 'darwin' ? 'Library/Application Support' : '.config');
  return join(base, 'pmj');
}

export const configFile = (env = process.env) => join(configDir(env), 'config.json');

export async function saveConfig(config: Config, env = process.env): Promise<string> {
  await mkdir(configDir(env), { recursive: true, mode: 0o700 });
  const file = configFile(env);
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode applies only when it creates the file; a token must not stay readable by others.
  await chmod(file, 0o600);
  return file;
}

/** The environment wins over the file, field by field, so `PMJ_TOKEN=… pmj …` works with a stored base URL. */
export async function loadConfig(env = process.env): Promise<Config> {
  let stored: Partial<Config> = {};
  try {
    stored = JSON.parse(await readFile(configFile(env), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`cannot read ${configFile(env)}: ${(error as Error).message}`);
  }
  const baseUrl = env.PMJ_BASE_URL || stored.baseUrl;
  const token = env.PMJ_TOKEN || stored.token;
  if (!baseUrl || !token) throw new UsageError('not logged in: run `pmj login --base-url URL --token TOKEN`, or set PMJ_BASE_URL and PMJ_TOKEN');
  return { baseUrl, token };
}
