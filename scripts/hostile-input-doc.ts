// Writes docs/hostile-input.md from the fuzz suites' own tables (test/fuzz-wire.test.ts checks it).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostileInputDocument } from '../test/support/fuzz-corpus.js';
import { GENERATED_CLASSES } from '../test/support/fuzz-requests.js';

writeFileSync(join(import.meta.dirname, '..', 'docs', 'hostile-input.md'), hostileInputDocument(GENERATED_CLASSES));
