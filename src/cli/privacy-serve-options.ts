/**
 * The `odc serve` options of the privacy capability (docs/contract.md §14), kept apart so they
 * can move into the typed serve configuration as one block.
 */
import { Option } from 'commander';

export function afterErasureOption(): Option {
  return new Option('--after-erasure <rule>', "a write of an erased person's identifiers: refuse (409 SUBJECT_ERASED) or accept as a new person")
    .env('ODC_AFTER_ERASURE')
    .choices(['refuse', 'accept'])
    .default('refuse');
}

export function retentionIntervalOption(): Option {
  return new Option('--retention-interval <seconds>', "how often to apply the merchants' retention limits (odc retention set; 0: never)")
    .env('ODC_RETENTION_INTERVAL')
    .default(3600)
    .argParser((raw: string) => {
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`retention interval must be a whole number (got ${raw})`);
      return n;
    });
}
