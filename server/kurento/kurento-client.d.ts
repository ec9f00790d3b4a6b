/**
 * The part of kurento-client 7.x that `server/kurento/` uses. The package ships no types (and
 * `@types/kurento-client` describes 6.x). Results are `unknown` on purpose: the facade in
 * `client.ts`/`objects.ts` checks every value before it leaves `server/kurento/`.
 *
 * Only callback-style calls are declared: the promise style swallows server errors
 * (it resolves `undefined`, see shared/kurento-protocol.md §1.13).
 */
declare module 'kurento-client' {
  export interface KurentoRpcError extends Error {
    code?: number;
    data?: { type?: string };
  }

  export type KurentoCallback = (
    error: KurentoRpcError | null | undefined,
    result?: unknown,
  ) => void;

  /** Kurento's `MediaType` enum: which of an element's streams a connection carries. */
  export type KurentoMediaType = 'AUDIO' | 'VIDEO' | 'DATA';

  export interface RawMediaObject {
    readonly id?: string;
    release(callback: KurentoCallback): void;
    on(event: string, listener: (data: unknown) => void): this;
    removeAllListeners(event?: string): this;
    emit(event: string, ...args: unknown[]): boolean;
    listenerCount(event: string): number;
  }

  export interface RawMediaPipeline extends RawMediaObject {
    create(type: string, params: Record<string, unknown>, callback: KurentoCallback): void;
  }

  /** Kurento's RecorderEndpoint (kurento-client-elements). */
  export interface RawRecorderEndpoint extends RawMediaObject {
    record(callback: KurentoCallback): void;
    stopAndWait(callback: KurentoCallback): void;
  }

  export interface RawWebRtcEndpoint extends RawMediaObject {
    connect(sink: RawMediaObject, callback: KurentoCallback): void;
    connect(sink: RawMediaObject, mediaType: KurentoMediaType, callback: KurentoCallback): void;
    disconnect(sink: RawMediaObject, callback: KurentoCallback): void;
    disconnect(sink: RawMediaObject, mediaType: KurentoMediaType, callback: KurentoCallback): void;
    processOffer(offer: string, callback: KurentoCallback): void;
    getLocalSessionDescriptor(callback: KurentoCallback): void;
    gatherCandidates(callback: KurentoCallback): void;
    addIceCandidate(candidate: Record<string, unknown>, callback: KurentoCallback): void;
    setTurnUrl(turnUrl: string, callback: KurentoCallback): void;
  }

  export interface RawServerManager extends RawMediaObject {
    getInfo(callback: KurentoCallback): void;
    getPipelines(callback: KurentoCallback): void;
  }

  export interface RawConnection {
    on(event: 'error', listener: (error: unknown) => void): this;
  }

  /** reconnect-core's emitter (`client._re`). */
  export interface RawReconnector {
    connected: boolean;
    on(event: 'disconnect', listener: (error?: unknown) => void): this;
    on(event: 'error', listener: (error: unknown) => void): this;
    /** A socket (websocket-stream) is up. */
    on(event: 'connect', listener: (connection: RawConnection) => void): this;
    removeAllListeners(event?: string): this;
    disconnect(): this;
  }

  export interface RawKurentoClient {
    readonly _re: RawReconnector;
    create(type: 'MediaPipeline', callback: KurentoCallback): void;
    getServerManager(callback: KurentoCallback): void;
    getMediaobjectById(id: string, callback: KurentoCallback): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    removeAllListeners(event?: string): this;
    close(): void;
  }

  export interface KurentoClientOptions {
    failAfter?: number;
    strict?: boolean;
    request_timeout?: number;
    response_timeout?: number;
    duplicates_timeout?: number;
    access_token?: string;
  }

  function kurentoClient(
    url: string,
    options: KurentoClientOptions,
    callback: (error: KurentoRpcError | null | undefined) => void,
  ): RawKurentoClient;

  export default kurentoClient;
}
