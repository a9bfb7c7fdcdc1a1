/**
 * The typed configuration of `odc serve`: one schema gives commander's options, the checked
 * options object and the README's table. Empty secrets are refused, secrets can come from files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseServeConfig, renderOptionsTable, ServeConfigSchema } from '../src/cli/serve-config.js';
import { Command, Option } from 'commander';
import { conformanceCommand } from '../src/cli/conformance-command.js';
import { pullCommand } from '../src/cli/pull-command.js';
import { pushCommand } from '../src/cli/push-command.js';
import { withSecretFiles } from '../src/cli/secret-files.js';
import { serveCommand } from '../src/cli/serve-command.js';

const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

describe('odc serve configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odc-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the README's table is the one rendered from the schema (npx tsx scripts/serve-options-table.ts --write)", () => {
    const table = renderOptionsTable();
    assert.ok(README.includes(`-->\n${table}\n<!-- serve-options:end -->`), 'README.md configuration table is out of date');
    for (const flag of ['--role', '--pull-from', '--pull-token', '--pull-client-id', '--pull-client-secret', '--webhook-max-attempts', '--webhook-base-delay'])
      assert.ok(table.includes(`| \`${flag}\` |`), `${flag} is listed`);
  });

  it('every option of the command is a schema property (or the file form of a secret)', () => {
    const names = new Set(Object.keys(ServeConfigSchema.properties));
    const options = serveCommand().options;
    for (const option of options) {
      const name = option.attributeName();
      assert.ok(names.has(name) || (name.endsWith('File') && names.has(name.slice(0, -4))), `${option.flags} has no schema property`);
    }
    assert.equal(options.filter((o) => !o.attributeName().endsWith('File') || o.attributeName() === 'secretKeyFile').length, names.size);
  });

  it('fills defaults and converts the strings that flags and variables give', () => {
    const config = parseServeConfig({ port: '9090', role: 'origin' });
    assert.equal(config.port, 9090);
    assert.equal(config.role, 'origin');
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dev, false);
    assert.equal(config.pullToken, undefined);
  });

  it('names the flag and the variable of a bad value', () => {
    assert.throws(() => parseServeConfig({ port: 'eighty' }), /--port \(PORT\): expected integer \(got "eighty"\)/);
    assert.throws(() => parseServeConfig({ sync: 'sometimes' }), /--sync \(ODC_SQLITE_SYNC\)/);
  });

  it('refuses an empty secret instead of sending an empty Bearer token', () => {
    assert.throws(() => parseServeConfig({ pullToken: '' }), /--pull-token \(ODC_PULL_TOKEN\) is empty/);
    assert.throws(() => parseServeConfig({ adminKey: '' }), /--admin-key \(ODC_ADMIN_KEY\) is empty/);
    assert.throws(() => parseServeConfig({ pullClientSecret: '' }), /--pull-client-secret \(ODC_PULL_CLIENT_SECRET\) is empty/);
  });

  it('reads a secret from a file, and refuses an empty file, a missing file and both forms at once', () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'abc.def.ghi\n');
    assert.equal(parseServeConfig({ pullTokenFile: file }).pullToken, 'abc.def.ghi');
    writeFileSync(join(dir, 'empty'), '\n');
    assert.throws(() => parseServeConfig({ pullTokenFile: join(dir, 'empty') }), /--pull-token \(ODC_PULL_TOKEN\) is empty/);
    assert.throws(() => parseServeConfig({ pullTokenFile: join(dir, 'missing') }), /--pull-token-file .*missing: ENOENT/);
    assert.throws(() => parseServeConfig({ pullToken: 'x', pullTokenFile: file }), /both given/);
  });
});

describe('secrets from files on the client commands (push, pull, conformance)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odc-secret-files-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const parsed = async (args: string[], env: Record<string, string> = {}) => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      let seen: Record<string, unknown> | undefined;
      const command = withSecretFiles(
        new Command('x').addOption(new Option('--token <token>').env('ODC_TOKEN')).action((opts) => {
          seen = opts;
        }),
        ['--token'],
      );
      command.exitOverride();
      await command.parseAsync(args, { from: 'user' });
      return seen!;
    } finally {
      process.env = saved;
    }
  };

  it('reads --token-file and ODC_TOKEN_FILE, refuses an empty secret and both forms', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'tok\n');
    assert.equal((await parsed(['--token-file', file])).token, 'tok');
    assert.equal((await parsed([], { ODC_TOKEN_FILE: file })).token, 'tok');
    await assert.rejects(parsed(['--token', '']), /--token \(ODC_TOKEN\) is empty/);
    await assert.rejects(parsed(['--token', 'x', '--token-file', file]), /both given/);
    assert.ok(pushCommand().options.some((o) => o.long === '--client-secret-file'));
    assert.ok(pullCommand().options.some((o) => o.long === '--client-secret-file'));
    assert.ok(conformanceCommand().options.some((o) => o.long === '--client-secret-file'));
  });
});
