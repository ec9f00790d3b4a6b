/**
 * A typed facade over the unmodified kurento-client package (it ships no types). Calls use the
 * callback form, because the promise form swallows server errors (kurento-protocol.md §1.13).
 */
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';

type Cb<T> = (err: (Error & { code?: number }) | null | undefined, value: T) => void;

export interface KObject {
  id: string;
  release(cb: Cb<unknown>): void;
  on(event: string, fn: (data: Record<string, unknown>) => void): void;
  removeAllListeners(event?: string): void;
}

export interface KPipeline extends KObject {
  create(type: 'WebRtcEndpoint', params: Record<string, unknown>, cb: Cb<KEndpoint>): void;
  create(type: 'WebRtcEndpoint', cb: Cb<KEndpoint>): void;
  create(type: string, params: Record<string, unknown>, cb: Cb<KElement>): void;
  create(type: string, cb: Cb<KElement>): void;
}

/** Any MediaElement (PassThrough, HubPort, RecorderEndpoint, PlayerEndpoint…). */
export interface KElement extends KObject {
  connect(sink: KObject, cb: Cb<unknown>): void;
  connect(sink: KObject, mediaType: string, cb: Cb<unknown>): void;
  disconnect(sink: KObject, cb: Cb<unknown>): void;
  [operation: string]: unknown;
}

/** Calls an operation kurento-client generated on an element (callback last). */
export function invoke<T>(el: KElement, operation: string, ...args: unknown[]): Promise<T> {
  const fn = el[operation];
  if (typeof fn !== 'function') throw new Error(`kurento-client has no ${operation}()`);
  return k<T>((cb) => (fn as (...a: unknown[]) => void).apply(el, [...args, cb]));
}

export interface KEndpoint extends KObject {
  processOffer(offer: string, cb: Cb<string>): void;
  generateOffer(cb: Cb<string>): void;
  processAnswer(answer: string, cb: Cb<string>): void;
  gatherCandidates(cb: Cb<unknown>): void;
  addIceCandidate(c: unknown, cb: Cb<unknown>): void;
  connect(sink: KObject, cb: Cb<unknown>): void;
  connect(sink: KObject, mediaType: string, cb: Cb<unknown>): void;
  disconnect(sink: KEndpoint, cb: Cb<unknown>): void;
  getStats(cb: Cb<Record<string, Record<string, unknown>>>): void;
  getMediaState(cb: Cb<string>): void;
  getConnectionState(cb: Cb<string>): void;
  getSourceConnections(cb: Cb<Record<string, unknown>[]>): void;
  getSinkConnections(cb: Cb<Record<string, unknown>[]>): void;
  getLocalSessionDescriptor(cb: Cb<string>): void;
  getRemoteSessionDescriptor(cb: Cb<string>): void;
  setMaxVideoRecvBandwidth(v: number, cb: Cb<unknown>): void;
  getMaxVideoRecvBandwidth(cb: Cb<number>): void;
  setMinVideoRecvBandwidth(v: number, cb: Cb<unknown>): void;
  setMaxVideoSendBandwidth(v: number, cb: Cb<unknown>): void;
}

export interface KServerManager extends KObject {
  getPipelines(cb: Cb<KObject[]>): void;
  getSessions(cb: Cb<string[]>): void;
  getUsedMemory(cb: Cb<number>): void;
  getInfo(cb: Cb<Record<string, unknown>>): void;
}

export interface KClient {
  create(type: 'MediaPipeline', cb: Cb<KPipeline>): void;
  getServerManager(cb: Cb<KServerManager>): void;
  getMediaobjectById(id: string, cb: Cb<KObject>): void;
  close(): void;
  on(event: string, fn: (...args: unknown[]) => void): void;
  sessionId: string;
}

interface KurentoModule {
  (uri: string, options: Record<string, unknown>, cb: Cb<KClient>): void;
  getComplexType(name: 'IceCandidate'): (init: Record<string, unknown>) => unknown;
}

const require = createRequire(import.meta.url);

/**
 * kurento-client's socket is websocket-stream → ws@0.7.2, whose BufferUtil.js prefers the hoisted
 * `bufferutil` package. Here that is bufferutil@4 (pulled in by kurento-jsonrpc), whose API differs
 * (`.BufferUtil` is undefined), so every client frame crashes in Sender.frameAndSend ("reading
 * 'mask'"). Point ws@0.7.2 at its own pure-JS fallback before kurento-client loads.
 */
function pinOldWsBufferUtil(): void {
  const wsLib = path.join(
    path.dirname(require.resolve('websocket-stream/package.json')),
    'node_modules/ws/lib',
  );
  const target = path.join(wsLib, 'BufferUtil.js');
  if (!fs.existsSync(target) || require.cache[target]) return;
  const m = new Module(target);
  m.filename = target;
  m.exports = require(path.join(wsLib, 'BufferUtil.fallback.js')) as unknown;
  m.loaded = true;
  require.cache[target] = m;
}
pinOldWsBufferUtil();

export const kurento = require('kurento-client') as KurentoModule;

/** Turns a callback-style call into a promise that rejects on a server error. */
export function k<T>(fn: (cb: Cb<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    fn((err, value) => (err ? reject(err) : resolve(value)));
  });
}

export function connectClient(
  url: string,
  options: Record<string, unknown> = {},
): Promise<KClient> {
  // The callback form waits for the strict-mode getInfo module check.
  return k<KClient>((cb) => kurento(url, { request_timeout: 10_000, ...options }, cb));
}

/** A pipeline with a publishing endpoint connected to a viewing one, the shape most tests start from. */
export async function publisherAndViewer(
  client: KClient,
): Promise<{ pipeline: KPipeline; pubEp: KEndpoint; viewEp: KEndpoint }> {
  const pipeline = await k<KPipeline>((cb) => client.create('MediaPipeline', cb));
  const pubEp = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
  const viewEp = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
  await k((cb) => pubEp.connect(viewEp, cb));
  return { pipeline, pubEp, viewEp };
}
