/**
 * The records of a file, one at a time, in constant memory: `odc push` must take a file of any
 * size, and must say on which line a bad record starts.
 *
 * Two layouts, told apart by the first non-space character: `[` is a JSON array, anything else
 * is NDJSON (one JSON value per line; blank lines are skipped). The file is read in chunks; an
 * NDJSON record ends at a newline, and a JSON array is split into its top-level elements by a
 * small scanner that follows string/escape state and nesting depth, so only the record being
 * read is ever held (a record larger than `maxRecordChars` is reported, not accumulated).
 * Reading is pulled by the consumer: nothing is read ahead of what it asks for.
 */
import { createReadStream } from 'node:fs';

/** A record read from `file`, starting on `line` (1-based). */
export interface FileRecord {
  file: string;
  line: number;
  value: unknown;
  /** Bytes of the file read so far (to within one chunk), for progress. */
  position: number;
}

/** A record that could not be read: not JSON, or too large. `text` is its raw text when kept. */
export interface RecordProblem {
  file: string;
  line: number;
  error: string;
  text?: string;
  position: number;
}

export type ReadItem = FileRecord | RecordProblem;

export interface ReaderOptions {
  /** Bytes per read (default 256 KiB). */
  chunkSize?: number;
  /** A record longer than this many characters is reported and skipped (default 64 Mi). */
  maxRecordChars?: number;
}

export function isProblem(item: ReadItem): item is RecordProblem {
  return 'error' in item;
}

type Found = { line: number; text: string } | { line: number; error: string; text?: string };

/** Collects the text of the record being read, across chunks, up to a size limit. */
class PendingText {
  private pieces: string[] = [];
  private chars = 0;
  oversized = false;

  constructor(private readonly max: number) {}

  add(piece: string): void {
    if (this.oversized || piece.length === 0) return;
    this.chars += piece.length;
    if (this.chars > this.max) {
      this.oversized = true;
      this.pieces = [];
    } else this.pieces.push(piece);
  }

  /** The whole text with `last` appended, and a reset for the next record. */
  take(last: string): string {
    const text = this.pieces.length === 0 ? last : this.pieces.join('') + last;
    this.pieces = [];
    this.chars = 0;
    return text;
  }

  finish(line: number, last: string, max: number): Found {
    if (this.oversized) {
      this.oversized = false;
      this.take('');
      return { line, error: `the record is larger than ${max} characters` };
    }
    return { line, text: this.take(last) };
  }
}

interface Splitter {
  push(chunk: string): Found[];
  end(): Found[];
}

/** NDJSON: one record per line. */
class LineSplitter implements Splitter {
  private line: number;
  private readonly pending: PendingText;

  constructor(
    firstLine: number,
    private readonly max: number,
  ) {
    this.line = firstLine;
    this.pending = new PendingText(max);
  }

  push(chunk: string): Found[] {
    const found: Found[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      this.emit(found, chunk.slice(start, nl));
      start = nl + 1;
    }
    this.pending.add(chunk.slice(start));
    return found;
  }

  end(): Found[] {
    const found: Found[] = [];
    this.emit(found, '');
    return found;
  }

  private emit(found: Found[], last: string): void {
    const record = this.pending.finish(this.line, last, this.max);
    this.line += 1;
    if ('error' in record || record.text.trim() !== '') found.push(record);
  }
}

enum Phase {
  BeforeArray,
  BetweenElements,
  InElement,
  AfterArray,
}

/** A JSON array: one record per top-level element. */
class ArraySplitter implements Splitter {
  private phase = Phase.BeforeArray;
  private line: number;
  private elementLine = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** A comma was seen, so an element must follow before `]`. */
  private afterComma = false;
  /** Set after a structural error: the rest of the file is not read. */
  private stopped = false;
  private readonly pending: PendingText;

  constructor(
    firstLine: number,
    private readonly max: number,
  ) {
    this.line = firstLine;
    this.pending = new PendingText(max);
  }

  push(chunk: string): Found[] {
    const found: Found[] = [];
    if (this.stopped) return found;
    let start = 0;
    for (let i = 0; i < chunk.length; i += 1) {
      const c = chunk.charCodeAt(i);
      if (c === 10) this.line += 1;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (this.phase === Phase.InElement) {
        if (c === 34) this.inString = true;
        else if (c === 123 || c === 91) this.depth += 1;
        else if ((c === 125 || c === 93) && this.depth > 0) this.depth -= 1;
        else if (this.depth === 0 && (c === 44 || c === 93)) {
          found.push(this.pending.finish(this.elementLine, chunk.slice(start, i), this.max));
          this.phase = c === 44 ? Phase.BetweenElements : Phase.AfterArray;
          this.afterComma = c === 44;
        }
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (this.phase === Phase.BeforeArray) {
        if (c === 91) this.phase = Phase.BetweenElements;
        else return this.stop(found, 'the file does not start with [');
      } else if (this.phase === Phase.BetweenElements) {
        if (c === 93) {
          if (this.afterComma) found.push({ line: this.line, error: 'a comma is followed by ] (trailing comma)' });
          this.phase = Phase.AfterArray;
        } else if (c === 44) {
          found.push({ line: this.line, error: 'an empty element (two commas in a row, or a comma after [)' });
        } else {
          this.phase = Phase.InElement;
          this.elementLine = this.line;
          this.depth = 0;
          start = i;
          i -= 1; // read this character again as the element's first
        }
      } else {
        return this.stop(found, 'unexpected content after the closing ] of the array');
      }
    }
    if (this.phase === Phase.InElement) this.pending.add(chunk.slice(start));
    return found;
  }

  end(): Found[] {
    if (this.stopped || this.phase === Phase.AfterArray) return [];
    const line = this.phase === Phase.InElement ? this.elementLine : this.line;
    this.pending.take('');
    this.phase = Phase.AfterArray;
    return [{ line, error: 'the file ends before the array is closed (missing ])' }];
  }

  private stop(found: Found[], error: string): Found[] {
    found.push({ line: this.line, error });
    this.stopped = true;
    return found;
  }
}

function toItem(file: string, position: number, found: Found): ReadItem {
  if ('error' in found) return { file, line: found.line, error: found.error, text: found.text, position };
  try {
    return { file, line: found.line, value: JSON.parse(found.text), position };
  } catch (error) {
    return { file, line: found.line, error: `not valid JSON: ${(error as Error).message}`, text: found.text, position };
  }
}

/** Streams the records of `file` (a JSON array or NDJSON), each with the line it starts on. */
export async function* readRecords(file: string, options: ReaderOptions = {}): AsyncGenerator<ReadItem> {
  const max = options.maxRecordChars ?? 64 * 1024 * 1024;
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: options.chunkSize ?? 256 * 1024 });
  let splitter: Splitter | undefined;
  let line = 1;
  let first = true;
  try {
    for await (let chunk of stream as AsyncIterable<string>) {
      if (first && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
      if (!splitter) {
        const at = chunk.search(/\S/);
        if (at === -1) {
          for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', nl + 1)) line += 1;
          continue;
        }
        splitter = chunk[at] === '[' ? new ArraySplitter(line, max) : new LineSplitter(line, max);
      }
      for (const found of splitter.push(chunk)) yield toItem(file, stream.bytesRead, found);
    }
    if (splitter) for (const found of splitter.end()) yield toItem(file, stream.bytesRead, found);
  } finally {
    stream.destroy();
  }
}
