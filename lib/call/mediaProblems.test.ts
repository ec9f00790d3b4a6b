import { describe, expect, it } from 'vitest';
import { describeMediaError } from './mediaProblems';

describe('describeMediaError', () => {
  it('turns getUserMedia errors into actionable messages', () => {
    const denied = describeMediaError(new DOMException('x', 'NotAllowedError'), 'camera');
    expect(denied.kind).toBe('denied');
    expect(denied.message).toContain('camera was blocked');
    expect(describeMediaError(new DOMException('x', 'NotFoundError'), 'microphone')).toMatchObject({
      kind: 'not-found',
      message: expect.stringContaining('No microphone was found') as unknown,
    });
    expect(describeMediaError(new DOMException('x', 'NotReadableError'), 'camera').kind).toBe(
      'in-use',
    );
    expect(describeMediaError(new Error('?'), 'camera').kind).toBe('unknown');
  });
});
