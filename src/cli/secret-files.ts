/**
 * Secrets without the command line: for each named secret option (`--token`, `--client-secret`)
 * a command gets `--token-file` (and `ODC_TOKEN_FILE` beside `ODC_TOKEN`), read before the
 * action runs, so `ps` never shows the secret. An empty secret, from wherever, is refused: it
 * would only be sent as an empty credential and refused later with a less clear message.
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';

export function withSecretFiles(command: Command, secrets: string[]): Command {
  const pairs: Array<{ secret: Option; file: Option }> = [];
  for (const long of secrets) {
    const secret = command.options.find((o) => o.long === long);
    if (!secret) throw new Error(`${command.name()}: no option ${long}`);
    const file = new Option(`${long}-file <path>`, `read ${long} from this file (not shown by ps)`);
    if (secret.envVar) file.env(`${secret.envVar}_FILE`);
    command.addOption(file);
    pairs.push({ secret, file });
  }
  return command.hook('preAction', (_self, action) => {
    for (const { secret, file } of pairs) {
      const path = action.getOptionValue(file.attributeName()) as string | undefined;
      const given = action.getOptionValue(secret.attributeName()) as string | undefined;
      if (path !== undefined) {
        if (given !== undefined && action.getOptionValueSource(secret.attributeName()) === 'cli')
          throw new Error(`${secret.long} and ${file.long} are both given: choose one`);
        let value: string;
        try {
          value = readFileSync(path, 'utf8').trim();
        } catch (error) {
          throw new Error(`${file.long} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        }
        action.setOptionValueWithSource(secret.attributeName(), value, 'config');
      }
      if (action.getOptionValue(secret.attributeName()) === '')
        throw new Error(`${secret.long}${secret.envVar ? ` (${secret.envVar})` : ''} is empty: give a value or leave it unset`);
    }
  });
}
