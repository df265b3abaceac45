// streamLines: the line splitter under watch and log streams, fed chunk by chunk as a socket would:
// lines across chunk borders, CRLF, and a line without end — a watch event over the cap ends the
// stream with an error, a log line over the cap is cut and the stream goes on.
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EventTooLargeError, streamLines, type LineLimit } from './kube.js';

/** A response made of `chunks`, complete at its end. */
function response(chunks: string[]): IncomingMessage {
  const s = new PassThrough() as PassThrough & { complete: boolean };
  s.complete = false;
  (async () => {
    for (const c of chunks) {
      s.write(c);
      await new Promise((r) => setImmediate(r));
    }
    s.complete = true;
    s.end();
  })();
  return s as unknown as IncomingMessage;
}

async function lines(chunks: string[], limit?: LineLimit): Promise<string[]> {
  const out: string[] = [];
  for await (const l of streamLines(response(chunks), 60_000, '/p', limit)) out.push(l);
  return out;
}

describe('streamLines', () => {
  it('joins lines split across chunks, strips CR, yields a last line without end', async () => {
    expect(await lines(['{"a":', '1}\n{"b"', ':2}\r\n', 'tail'])).toEqual(['{"a":1}', '{"b":2}', 'tail']);
  });

  it('ends with EventTooLargeError when a watch event grows past the cap without a line end', async () => {
    const run = lines(['{"type":"ADDED"', 'x'.repeat(40), 'y'.repeat(40), '\n'], { maxLineBytes: 64, overlong: 'throw' });
    await expect(run).rejects.toBeInstanceOf(EventTooLargeError);
    await expect(lines(['z'.repeat(100) + '\nok\n'], { maxLineBytes: 64, overlong: 'throw' })).rejects.toThrow('a watch event on /p exceeded 0 MiB without a line end');
  });

  it('cuts a log line at the cap, skips the rest of it, and goes on with the next line', async () => {
    const limit: LineLimit = { maxLineBytes: 10, overlong: 'cut' };
    expect(await lines(['0123456789abc', 'def', 'ghi\nnext line\n'], limit)).toEqual(['0123456789', 'next line']);
    expect(await lines(['0123456789abcdef\nshort\n'], limit)).toEqual(['0123456789', 'short']);
  });
});
