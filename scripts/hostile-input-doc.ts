// Writes docs/hostile-input.md from the fuzz suites' own tables (test/fuzz-wire.test.ts checks it),
// keeping the hand-written part that follows HAND_WRITTEN_MARKER ("Hostile peers") as it is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { handWrittenPartOf, hostileInputDocument } from '../test/support/fuzz-corpus.js';
import { GENERATED_CLASSES } from '../test/support/fuzz-requests.js';

const file = join(import.meta.dirname, '..', 'docs', 'hostile-input.md');
const handWritten = existsSync(file) ? handWrittenPartOf(readFileSync(file, 'utf8')) : '';
writeFileSync(file, hostileInputDocument(GENERATED_CLASSES) + (handWritten ? `\n${handWritten}` : ''));
