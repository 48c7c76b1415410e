import type { Command } from 'commander';
import { PmjClient } from '../../client/index.ts';
import { saveConfig } from '../config.ts';
import { UsageError } from '../errors.ts';
import { outputOf } from '../context.ts';

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('store the API base URL and a bearer token in the user config folder (checked against the API first)')
    .requiredOption('--base-url <url>', 'the API, e.g. http://127.0.0.1:3000')
    .requiredOption('--token <jwt>', 'a bearer token (`npm run --silent token -- …` locally)')
    .action(async (options: { baseUrl: string; token: string }, command: Command) => {
      const output = outputOf(command);
      if (!URL.canParse(options.baseUrl)) throw new UsageError(`--base-url is not a URL: ${options.baseUrl}`);
      const client = new PmjClient({ baseUrl: options.baseUrl, token: options.token });
      // A list of one proves the URL, the token and the project together before anything is written.
      await client.listOperations({ pageSize: 1 });
      const file = await saveConfig({ baseUrl: options.baseUrl, token: options.token });
      output.line(`logged in to ${options.baseUrl} as tenant ${client.tenantId}, project ${client.projectId}; saved in ${file}`);
      output.document({ baseUrl: options.baseUrl, tenantId: client.tenantId, projectId: client.projectId, configFile: file });
    });
}
