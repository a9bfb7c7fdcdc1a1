/**
 * `odc conformance <url>`: runs the conformance kit (src/conformance) against any Customer
 * endpoint over HTTP, prints a report grouped by area (coloured on a terminal), optionally
 * writes `--json` and `--junit` files for CI, and exits 1 when a MUST check fails. Credentials
 * that do not work stop it first, with exit code 2 (conformance-preflight.ts).
 */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { formatJsonReport } from '../conformance/report-json.js';
import { formatJunitReport } from '../conformance/report-junit.js';
import { formatResultLine, formatTerminalReport } from '../conformance/report-terminal.js';
import { runConformance } from '../conformance/runner.js';
import { CREDENTIALS_REFUSED_EXIT, refusedCredentials } from './conformance-preflight.js';
import { withSecretFiles } from './secret-files.js';

/** Both ids or neither: one alone would only make the loyalty checks skip, so say so now. */
function loyaltyFixture(accountId: string | undefined, rewardId: string | undefined): { accountId: string; rewardId: string } | undefined {
  if (accountId === undefined && rewardId === undefined) return undefined;
  if (accountId === undefined || rewardId === undefined) throw new Error('--loyalty-account and --loyalty-reward go together: give both');
  return { accountId, rewardId };
}

export function conformanceCommand(): Command {
  const command = new Command('conformance')
    .description('check a Customer capability implementation against the contract, over HTTP')
    .argument('<url>', 'base URL of the Customer endpoints, e.g. https://crm.example.com/v2')
    .addOption(new Option('--token <token>', 'a bearer access token').env('ODC_TOKEN'))
    .addOption(new Option('--client-id <id>', 'OAuth client id (client credentials)').env('ODC_CLIENT_ID'))
    .addOption(new Option('--client-secret <secret>', 'OAuth client secret').env('ODC_CLIENT_SECRET'))
    .option('--token-url <url>', "token endpoint (default: discovery's tokenUrl if on the target's origin, else <origin>/oauth/token)")
    .option('--scope <scopes>', 'scopes to ask for, e.g. od.crm')
    .option('--merchant <id>', 'merchant to act for (X-App-MerchantId)')
    .addOption(new Option('--signing-secret <secret>', "the client's message-signing secret: enables the signature checks").env('ODC_SIGNING_SECRET'))
    .option('--app-id <id>', 'X-App-Id of signed requests (default: --client-id)')
    .option('--discovery-url <url>', 'discovery document (default: <url>/.well-known/opendelivery, then <origin>/.well-known/opendelivery)')
    .addOption(
      new Option('--profile <profile>', 'seed, or rc2: the committee 2.0.0-rc.2 customer module at <url> (e.g. https://crm.example.com/od/v2)')
        .choices(['seed', 'rc2'])
        .default('seed'),
    )
    .option('--loyalty-account <id>', 'rc2: an account with points the loyalty checks may redeem from (with --loyalty-reward)')
    .option('--loyalty-reward <id>', "rc2: an active reward of that account's program; one redemption spends its cost")
    .option('--only <prefixes...>', 'run only checks whose id starts with these prefixes, e.g. auth customers.upsert')
    .option('--json <file>', 'write the report as JSON')
    .option('--junit <file>', 'write the report as JUnit XML')
    .option('--verbose', 'list passing checks too')
    .option('--no-color', 'no colour even on a terminal')
    .action(async (url: string, opts) => {
      const colour = opts.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
      const live = process.stderr.isTTY === true;
      const refused = await refusedCredentials({ ...opts, baseUrl: url, token: opts.clientId ? undefined : opts.token });
      if (refused) {
        process.stderr.write(`odc conformance: ${refused}; no check was run\n`);
        process.exitCode = CREDENTIALS_REFUSED_EXIT;
        return;
      }
      const report = await runConformance({
        baseUrl: url,
        token: opts.clientId ? undefined : opts.token,
        clientId: opts.clientId,
        clientSecret: opts.clientSecret,
        tokenUrl: opts.tokenUrl,
        scope: opts.scope,
        merchantId: opts.merchant,
        signingSecret: opts.signingSecret,
        appId: opts.appId,
        discoveryUrl: opts.discoveryUrl,
        only: opts.only,
        profile: opts.profile,
        loyalty: loyaltyFixture(opts.loyaltyAccount, opts.loyaltyReward),
        onResult: live ? (result) => process.stderr.write(`${formatResultLine(result, colour)}\n`) : undefined,
      });
      if (opts.json) writeFileSync(opts.json, formatJsonReport(report));
      if (opts.junit) writeFileSync(opts.junit, formatJunitReport(report));
      process.stdout.write(formatTerminalReport(report, { colour, verbose: Boolean(opts.verbose) }));
      if (!report.ok) process.exitCode = 1;
    });
  return withSecretFiles(command, ['--token', '--client-secret', '--signing-secret']);
}
