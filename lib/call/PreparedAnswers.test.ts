import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../protocol';
import { CallRequestError } from './CallError';
import { PreparedAnswers } from './PreparedAnswers';

/** Stands in for a prepared RTCPeerConnection: only whether it was closed matters here. */
class Connection {
  closed = false;
  close(): void {
    this.closed = true;
  }
}

describe('PreparedAnswers (offers sent with the join, issue 18)', () => {
  it('hands each connection out once, with the answer the server sends for it', async () => {
    const answers = new PreparedAnswers<Connection>();
    const a = new Connection();
    answers.expect(new Map([['pub-a', a]]));
    const offered = answers.take('pub-a');
    expect(offered?.connection).toBe(a);
    expect(answers.take('pub-a')).toBeUndefined();
    expect(answers.take('pub-b')).toBeUndefined();
    answers.settle({ publicationId: 'pub-a', sdp: 'v=0 answer' });
    await expect(offered?.answer).resolves.toBe('v=0 answer');
    // An answer for nothing offered, or a second one, changes nothing.
    answers.settle({ publicationId: 'pub-a', sdp: 'again' });
    answers.settle({ publicationId: 'pub-x', sdp: 'stray' });
  });

  it('fails the subscription with the server’s error code', async () => {
    const answers = new PreparedAnswers<Connection>();
    answers.expect(new Map([['pub-a', new Connection()]]));
    const offered = answers.take('pub-a');
    answers.settle({
      publicationId: 'pub-a',
      error: { code: ErrorCode.InvalidSdp, message: 'no' },
    });
    const error: unknown = await offered?.answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallRequestError);
    expect((error as CallRequestError).code).toBe(ErrorCode.InvalidSdp);
  });

  it('closes what nobody took and fails what is still awaited when the join is over', async () => {
    const answers = new PreparedAnswers<Connection>();
    const taken = new Connection();
    const left = new Connection();
    answers.expect(
      new Map([
        ['pub-a', taken],
        ['pub-b', left],
      ]),
    );
    const offered = answers.take('pub-a');
    // A new join starts over.
    answers.expect(new Map());
    expect(left.closed).toBe(true);
    // Taken: its subscription's link owns (and closes) it.
    expect(taken.closed).toBe(false);
    await expect(offered?.answer).rejects.toThrow(/over/);
    expect(answers.take('pub-b')).toBeUndefined();
  });
});
