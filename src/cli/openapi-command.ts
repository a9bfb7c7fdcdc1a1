/**
 * `odc openapi`: prints the OpenAPI 3.1 document the server would serve, for client
 * generators and reviews, without starting anything.
 */
import { Command, Option } from 'commander';
import { buildOpenApiDocument } from '../contract/openapi.js';
import { normalizeBasePath } from '../server/app.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_MAX_BATCH_ITEMS } from '../server/server-defaults.js';
import { version } from '../version.js';

export function openapiCommand(): Command {
  return new Command('openapi')
    .description('print the OpenAPI 3.1 document of the Customer capability')
    .addOption(new Option('--base-path <path>', 'server base path').default('/'))
    .addOption(new Option('--order-profile <profile>', 'Order validation profile').choices(['lenient', 'strict']).default('lenient'))
    .action((opts) => {
      const document = buildOpenApiDocument({
        version,
        basePath: normalizeBasePath(opts.basePath),
        orderProfile: opts.orderProfile,
        maxBatchItems: DEFAULT_MAX_BATCH_ITEMS,
        bodyLimit: DEFAULT_BODY_LIMIT,
      });
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    });
}
