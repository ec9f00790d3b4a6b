import type {
  KurentoCallback,
  KurentoMediaType,
  RawMediaObject,
  RawMediaPipeline,
  RawWebRtcEndpoint,
} from 'kurento-client';
import { z } from 'zod';

import { KurentoError } from './errors';
import type { KurentoSession, SessionMember } from './session';

export interface KurentoIceCandidate {
  candidate: string;
  sdpMid: string;
  sdpMLineIndex: number;
}

const errorEventSchema = z.object({
  type: z.string().catch('UNKNOWN'),
  description: z.string().catch(''),
});

export interface KurentoMediaError {
  type: string;
  description: string;
}

const iceCandidateFoundSchema = z.object({
  candidate: z.object({
    candidate: z.string(),
    sdpMid: z.string(),
    sdpMLineIndex: z.number().int(),
  }),
});

function isRawObject(value: unknown): value is RawMediaObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    'id' in value &&
    typeof value.id === 'string' &&
    value.id !== ''
  );
}

/**
 * Checks that a call produced a media object. The object comes back in a box: kurento-client's
 * objects are thenables, and resolving a promise with one would hand back its detached copy.
 */
function expectObject<T extends RawMediaObject>(operation: string) {
  return (result: unknown): { object: T } => {
    if (!isRawObject(result)) {
      throw new KurentoError('bad-result', operation, 'the media server returned no object id');
    }
    return { object: result as T };
  };
}

export function expectString(operation: string) {
  return (result: unknown): string => {
    if (typeof result !== 'string' || result === '') {
      throw new KurentoError('bad-result', operation, `expected a string, got ${typeof result}`);
    }
    return result;
  };
}

const ignoreResult = (): null => null;

/** Base of the typed facades: owns one raw object, releases it once. */
export abstract class MediaObjectHandle implements SessionMember {
  readonly id: string;
  abstract readonly isPipeline: boolean;
  protected readonly session: KurentoSession;
  protected readonly raw: RawMediaObject;
  #released = false;

  protected constructor(session: KurentoSession, raw: RawMediaObject) {
    if (raw.id === undefined) throw new KurentoError('bad-result', 'create', 'object without id');
    this.id = raw.id;
    this.session = session;
    this.raw = raw;
    session.adopt(this, raw);
  }

  get released(): boolean {
    return this.#released;
  }

  /** The connection this object lives on (for facades of other element types). */
  sessionOf(): KurentoSession {
    return this.session;
  }

  /** Forget the object without an RPC: its pipeline was released or the session died. */
  markGone(): void {
    if (this.#released) return;
    this.#released = true;
    this.session.forget(this);
    // Listeners stay: kurento-client's own (`_rpc`, `_id`…) are needed by `release()`, and it
    // drops event listeners itself once the release succeeds. Ours check `released`.
  }

  /** Idempotent. Never throws: a failed release is logged (the server frees it with its pipeline or session). */
  async release(): Promise<void> {
    if (this.#released) return;
    this.markGone();
    if (!this.session.alive) return;
    try {
      await this.session.call(
        'release',
        (cb) => this.raw.release(cb),
        () => null,
      );
    } catch (error) {
      this.session.logger.warn({ err: error, objectId: this.id }, 'release() | failed');
    }
  }

  /** The kurento-client object of another facade (connecting elements needs both). */
  protected static rawOf(handle: MediaObjectHandle): RawMediaObject {
    return handle.raw;
  }

  protected call<T>(
    operation: string,
    invoke: (callback: KurentoCallback) => void,
    check: (result: unknown) => T,
  ): Promise<T> {
    if (this.#released) {
      return Promise.reject(new KurentoError('released', operation, `${this.id} was released`));
    }
    return this.session.call(operation, invoke, check);
  }
}

export class MediaPipeline extends MediaObjectHandle {
  readonly isPipeline = true;
  readonly #children = new Set<MediaObjectHandle>();
  readonly #turnUrl: (() => string | undefined) | undefined;

  /** @internal created by `KurentoSession` users through `createMediaPipeline()`. */
  static wrap(
    session: KurentoSession,
    raw: RawMediaPipeline,
    turnUrl?: () => string | undefined,
  ): MediaPipeline {
    return new MediaPipeline(session, raw, turnUrl);
  }

  private constructor(
    session: KurentoSession,
    raw: RawMediaPipeline,
    turnUrl: (() => string | undefined) | undefined,
  ) {
    super(session, raw);
    this.#turnUrl = turnUrl;
  }

  async createWebRtcEndpoint(): Promise<WebRtcEndpoint> {
    const { object: raw } = await this.call(
      'create WebRtcEndpoint',
      (cb) => (this.raw as RawMediaPipeline).create('WebRtcEndpoint', {}, cb),
      expectObject<RawWebRtcEndpoint>('create WebRtcEndpoint'),
    );
    const endpoint = WebRtcEndpoint.wrap(this.session, raw, this, (child) =>
      this.#children.delete(child),
    );
    if (this.released) {
      // The pipeline went away while the endpoint was being created: the server released it too.
      endpoint.markGone();
      throw new KurentoError('released', 'create WebRtcEndpoint', 'the pipeline was released');
    }
    this.#children.add(endpoint);
    const turnUrl = this.#turnUrl?.();
    if (turnUrl !== undefined) {
      // Before any offer: the endpoint gathers its candidates (relay ones too) when it negotiates.
      try {
        await endpoint.setTurnUrl(turnUrl);
      } catch (error) {
        await endpoint.release();
        throw error;
      }
    }
    return endpoint;
  }

  /**
   * Creates an element of another type in this pipeline (a RecorderEndpoint: see recorder.ts).
   * `wrap` builds its facade; like endpoints, it is forgotten with the pipeline.
   */
  async createElement<T extends MediaObjectHandle>(
    type: string,
    params: Record<string, unknown>,
    wrap: (raw: RawMediaObject, onGone: (child: MediaObjectHandle) => void) => T,
  ): Promise<T> {
    const operation = `create ${type}`;
    const { object: raw } = await this.call(
      operation,
      (cb) => (this.raw as RawMediaPipeline).create(type, params, cb),
      expectObject<RawMediaObject>(operation),
    );
    const element = wrap(raw, (child) => this.#children.delete(child));
    if (this.released) {
      element.markGone();
      throw new KurentoError('released', operation, 'the pipeline was released');
    }
    this.#children.add(element);
    return element;
  }

  override markGone(): void {
    for (const child of [...this.#children]) child.markGone();
    this.#children.clear();
    super.markGone();
  }

  get childCount(): number {
    return this.#children.size;
  }
}

export class WebRtcEndpoint extends MediaObjectHandle {
  readonly isPipeline = false;
  /** The pipeline it lives in (a recorder of this endpoint is created beside it). */
  readonly pipeline: MediaPipeline;
  readonly #onGone: (endpoint: WebRtcEndpoint) => void;

  static wrap(
    session: KurentoSession,
    raw: RawWebRtcEndpoint,
    pipeline: MediaPipeline,
    onGone: (endpoint: WebRtcEndpoint) => void,
  ): WebRtcEndpoint {
    return new WebRtcEndpoint(session, raw, pipeline, onGone);
  }

  private constructor(
    session: KurentoSession,
    raw: RawWebRtcEndpoint,
    pipeline: MediaPipeline,
    onGone: (endpoint: WebRtcEndpoint) => void,
  ) {
    super(session, raw);
    this.pipeline = pipeline;
    this.#onGone = onGone;
  }

  get #endpoint(): RawWebRtcEndpoint {
    return this.raw as RawWebRtcEndpoint;
  }

  override markGone(): void {
    if (this.released) return;
    super.markGone();
    this.#onGone(this);
  }

  /** Feeds this endpoint's media (all of it, or only `mediaType`) into `sink` (an endpoint, a recorder). */
  connect(sink: MediaObjectHandle, mediaType?: KurentoMediaType): Promise<null> {
    const raw = MediaObjectHandle.rawOf(sink);
    return this.call(
      'connect',
      (cb) =>
        mediaType ? this.#endpoint.connect(raw, mediaType, cb) : this.#endpoint.connect(raw, cb),
      ignoreResult,
    );
  }

  /** Stops feeding `sink` (all media, or only `mediaType`); the sink's connection stays up. */
  disconnect(sink: MediaObjectHandle, mediaType?: KurentoMediaType): Promise<null> {
    const raw = MediaObjectHandle.rawOf(sink);
    return this.call(
      'disconnect',
      (cb) =>
        mediaType
          ? this.#endpoint.disconnect(raw, mediaType, cb)
          : this.#endpoint.disconnect(raw, cb),
      ignoreResult,
    );
  }

  /** The SDP this endpoint answered with (what it receives: the recorder picks its container). */
  getLocalSessionDescriptor(): Promise<string> {
    return this.call(
      'getLocalSessionDescriptor',
      (cb) => this.#endpoint.getLocalSessionDescriptor(cb),
      expectString('getLocalSessionDescriptor'),
    );
  }

  /** Answers an SDP offer; rejects (kind `rejected` or `bad-result`) when there is no answer. */
  processOffer(offer: string): Promise<string> {
    return this.call(
      'processOffer',
      (cb) => this.#endpoint.processOffer(offer, cb),
      expectString('processOffer'),
    );
  }

  /** Kurento's TURN setting for this endpoint: `user:password@IP:port[?transport=udp|tcp]`. */
  setTurnUrl(turnUrl: string): Promise<null> {
    return this.call('setTurnUrl', (cb) => this.#endpoint.setTurnUrl(turnUrl, cb), ignoreResult);
  }

  gatherCandidates(): Promise<null> {
    return this.call('gatherCandidates', (cb) => this.#endpoint.gatherCandidates(cb), ignoreResult);
  }

  addIceCandidate(candidate: KurentoIceCandidate): Promise<null> {
    // The wire form of Kurento's IceCandidate complex type (shared/kurento-protocol.md §1.11).
    const complex = { __module__: 'kurento', __type__: 'IceCandidate', ...candidate };
    return this.call(
      'addIceCandidate',
      (cb) => this.#endpoint.addIceCandidate(complex, cb),
      ignoreResult,
    );
  }

  /**
   * Listens for the 7.x `IceCandidateFound` event. The listener lives as long as the endpoint
   * (released with it); malformed events are logged and dropped.
   */
  onIceCandidate(listener: (candidate: KurentoIceCandidate) => void): void {
    this.raw.on('IceCandidateFound', (data) => {
      if (this.released) return;
      const parsed = iceCandidateFoundSchema.safeParse(data);
      if (!parsed.success) {
        this.session.logger.warn({ objectId: this.id }, 'IceCandidateFound | malformed event');
        return;
      }
      listener(parsed.data.candidate);
    });
  }

  /** Listens for Kurento's `Error` event (e.g. UNSUPPORTED_MEDIA_TYPE on a codec mismatch). */
  onError(listener: (error: KurentoMediaError) => void): void {
    this.raw.on('Error', (data) => {
      if (this.released) return;
      const parsed = errorEventSchema.safeParse(data);
      listener(parsed.success ? parsed.data : { type: 'UNKNOWN', description: '' });
    });
  }
}

export { expectObject };
export type { KurentoMediaType };
