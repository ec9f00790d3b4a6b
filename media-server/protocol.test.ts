import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { MediaServerInternals } from './index';
import type { KClient, KPipeline, KServerManager } from './test/kurento';
import { connectClient, k } from './test/kurento';
import { RawClient } from './test/rawClient';
import { startTestServer } from './test/server';

describe('Kurento Protocol', () => {
  let server: MediaServerInternals;
  const open: RawClient[] = [];
  const raw = async () => {
    const c = await RawClient.open(server.url);
    open.push(c);
    return c;
  };

  beforeEach(async () => {
    server = await startTestServer({ maxFrameBytes: 64 * 1024 });
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
    await server.close();
  });

  it('answers ping, binds the session of the first reply and injects it later', async () => {
    const c = await raw();
    expect((await c.call('ping', { interval: 5000 })).result).toEqual({ value: 'pong' });
    const d = await c.call('describe', { object: 'manager_ServerManager' });
    expect(d.result).toMatchObject({
      type: 'ServerManager',
      qualifiedType: 'kurento.ServerManager',
      hierarchy: ['kurento.MediaObject'],
    });
    const sid = d.result?.['sessionId'];
    expect(typeof sid).toBe('string');
    // A request without sessionId gets the bound one, not a new session.
    const p = await c.call('create', { type: 'MediaPipeline', properties: {} });
    expect(p.result?.['sessionId']).toBe(sid);
    expect(String(p.result?.['value'])).toMatch(/^[0-9a-f-]{36}_kurento\.MediaPipeline$/);
    const e = await c.call('create', {
      type: 'kurento.WebRtcEndpoint',
      constructorParams: { mediaPipeline: p.result?.['value'] },
      properties: {},
    });
    expect(String(e.result?.['value'])).toMatch(
      new RegExp(`^${String(p.result?.['value'])}/[0-9a-f-]{36}_kurento\\.WebRtcEndpoint$`),
    );
    const ping = await c.call('ping', { sessionId: sid });
    expect(ping.result).toEqual({ value: 'pong', sessionId: sid });
  });

  it('answers KMS errors for unknown objects, methods, events, factories and bad parameters', async () => {
    const c = await raw();
    const p = await c.call('create', { type: 'MediaPipeline' });
    const pipeline = String(p.result?.['value']);

    const unknownObject = await c.call('invoke', {
      object: 'nope_kurento.MediaPipeline',
      operation: 'getName',
    });
    expect(unknownObject.error).toEqual({
      code: 40101,
      message: "Object 'nope_kurento.MediaPipeline' not found",
      data: { type: 'MEDIA_OBJECT_NOT_FOUND' },
    });
    const unknownOp = await c.call('invoke', {
      object: pipeline,
      operation: 'fly',
      operationParams: { a: 1 },
    });
    expect(unknownOp.error).toEqual({
      code: 40008,
      message: "Method 'fly' with 1 parameters not found",
      data: { type: 'MALFORMED_TRANSACTION' },
    });
    const unknownMethod = await c.call('teleport', {});
    expect(unknownMethod.error?.code).toBe(-32601);
    const factory = await c.call('create', {
      type: 'Composite',
      constructorParams: { mediaPipeline: pipeline },
    });
    expect(factory.error).toMatchObject({
      code: 40108,
      message: "Factory 'Composite' not found",
    });
    const event = await c.call('subscribe', { object: pipeline, type: 'OnIceCandidate' });
    expect(event.error).toMatchObject({
      code: 40106,
      data: { type: 'MEDIA_OBJECT_EVENT_NOT_SUPPORTED' },
    });
    const missing = await c.call('invoke', { operation: 'getName' });
    expect(missing.error).toMatchObject({
      code: -32000,
      message: "'object' parameter is required",
    });
    const ep = await c.call('create', {
      type: 'WebRtcEndpoint',
      constructorParams: { mediaPipeline: pipeline },
    });
    const epId = String(ep.result?.['value']);
    const badType = await c.call('invoke', {
      object: epId,
      operation: 'processOffer',
      operationParams: { offer: 42 },
    });
    expect(badType.error).toMatchObject({
      code: 40001,
      message: "'offer' parameter should be a string",
    });
    const badSdp = await c.call('invoke', {
      object: epId,
      operation: 'processOffer',
      operationParams: { offer: 'v=0' },
    });
    expect(badSdp.error).toMatchObject({ code: 40201, data: { type: 'SDP_PARSE_ERROR' } });
    const badEnum = await c.call('invoke', {
      object: epId,
      operation: 'getSinkConnections',
      operationParams: { mediaType: 'SMELL' },
    });
    expect(badEnum.error?.code).toBe(40001);
    const ctorMissing = await c.call('create', { type: 'WebRtcEndpoint', constructorParams: {} });
    expect(ctorMissing.error).toMatchObject({
      code: 40001,
      message: "'mediaPipeline' parameter is required",
    });
    // turnUrl (set per endpoint by the app with minted TURN credentials) is checked at once.
    const badTurn = await c.call('invoke', {
      object: epId,
      operation: 'setTurnUrl',
      operationParams: { turnUrl: '127.0.0.1:3478' },
    });
    expect(badTurn.error?.code).toBe(40001);
    const turnUrl = '1796000000:bWludGVk+/=@127.0.0.1:3478?transport=udp';
    const setTurn = await c.call('invoke', {
      object: epId,
      operation: 'setTurnUrl',
      operationParams: { turnUrl },
    });
    expect(setTurn.error).toBeUndefined();
    expect(
      (await c.call('invoke', { object: epId, operation: 'getTurnUrl' })).result?.['value'],
    ).toBe(turnUrl);
    const noLocal = await c.call('invoke', {
      object: epId,
      operation: 'getLocalSessionDescriptor',
    });
    expect(noLocal.error).toMatchObject({ code: 40202 });
    const notImpl = await c.call('invoke', { object: epId, operation: 'createDataChannel' });
    expect(notImpl.error).toMatchObject({ code: 40006, data: { type: 'NOT_IMPLEMENTED' } });
    // unsubscribe never fails, and release of a released object is 40101.
    expect(
      (await c.call('unsubscribe', { object: 'gone', subscription: 'x' })).result,
    ).toBeDefined();
    expect((await c.call('release', { object: pipeline })).error).toBeUndefined();
    expect((await c.call('release', { object: epId })).error?.code).toBe(40101);
  });

  it('answers malformed, invalid and oversized frames and keeps the connection working', async () => {
    const c = await raw();
    expect((await c.sendRaw('{"jsonrpc":"2.0",', null)).error).toEqual({
      code: -32700,
      message: 'Parse error.',
    });
    expect((await c.sendRaw('[1,2,3]', null)).error?.code).toBe(-32600);
    expect((await c.sendRaw('{"jsonrpc":"1.0","method":"ping","id":7}', 7)).error?.code).toBe(
      -32600,
    );
    expect((await c.sendRaw('{"jsonrpc":"2.0","method":5,"id":8}', 8)).error?.code).toBe(-32600);
    expect(
      (await c.sendRaw('{"jsonrpc":"2.0","method":"ping","params":[1],"id":9}', 9)).error?.code,
    ).toBe(-32000);
    const big = JSON.stringify({
      jsonrpc: '2.0',
      method: 'ping',
      params: { pad: 'x'.repeat(100_000) },
      id: 10,
    });
    expect((await c.sendRaw(big, 10)).error?.code).toBe(-32600);
    const hugeOffer = await c.call('create', {
      type: 'MediaPipeline',
      properties: { name: 'y'.repeat(70_000) },
    });
    expect(hugeOffer.error?.code).toBe(-32600);
    expect((await c.call('ping')).result).toEqual({ value: 'pong' });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('resumes a session with connect: events go to the new socket; unknown session is 40007', async () => {
    const a = await raw();
    const first = await a.call('describe', { object: 'manager_ServerManager' });
    const sid = String(first.result?.['sessionId']);
    const sub = await a.call('subscribe', {
      object: 'manager_ServerManager',
      type: 'ObjectCreated',
      sessionId: sid,
    });
    expect(typeof sub.result?.['value']).toBe('string');
    await a.close();

    const b = await raw();
    const resumed = await b.call('connect', { sessionId: sid });
    expect(resumed.result?.['sessionId']).toBe(sid);
    expect(typeof resumed.result?.['serverId']).toBe('string');
    const created = await b.call('create', { type: 'MediaPipeline' });
    expect(created.result?.['sessionId']).toBe(sid);
    const ev = await b.waitEvent((e) => e.params.value.type === 'ObjectCreated');
    expect(ev.params.value.data['object']).toBe(created.result?.['value']);
    expect(ev.params.value.object).toBe('manager_ServerManager');

    const c = await raw();
    expect((await c.call('connect', { sessionId: 'not-a-session' })).error).toEqual({
      code: 40007,
      message: 'Invalid session',
      data: { type: 'INVALID_SESSION' },
    });
  });

  it('checks the path and the access token', async () => {
    const secured = await startTestServer({ accessToken: 's3cret' });
    try {
      await expect(RawClient.open(secured.url)).rejects.toThrow(/401/);
      await expect(RawClient.open(secured.url.replace('/kurento', '/other'))).rejects.toThrow(
        /404/,
      );
      const ok = await RawClient.open(`${secured.url}?access_token=s3cret`);
      expect((await ok.call('ping')).result).toEqual({ value: 'pong' });
      await ok.close();
      const client = await connectClient(secured.url, { access_token: 's3cret' });
      client.close();
    } finally {
      await secured.close();
    }
  });

  it('serves strict-mode kurento-client: getInfo modules, getPipelines, getSessions, getUsedMemory', async () => {
    const client: KClient = await connectClient(server.url);
    try {
      const manager = await k<KServerManager>((cb) => client.getServerManager(cb));
      const info = await k<Record<string, unknown>>((cb) => manager.getInfo(cb));
      const modules = (info['modules'] as { name: string }[]).map((m) => m.name);
      expect(modules).toEqual(expect.arrayContaining(['core', 'elements', 'filters']));
      const pipeline = await k<KPipeline>((cb) => client.create('MediaPipeline', cb));
      const pipelines = await k<{ id: string }[]>((cb) => manager.getPipelines(cb));
      expect(pipelines.map((p) => p.id)).toEqual([pipeline.id]);
      expect((await k<string[]>((cb) => manager.getSessions(cb))).length).toBeGreaterThanOrEqual(1);
      expect(await k((cb) => manager.getUsedMemory(cb))).toBeGreaterThan(0);
      await k((cb) => pipeline.release(cb));
      expect(await k((cb) => manager.getPipelines(cb))).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('answers a bad candidate with 40401, and survives one queued before the SDP', async () => {
    const c = await raw();
    const p = await c.call('create', { type: 'MediaPipeline' });
    const ep = await c.call('create', {
      type: 'WebRtcEndpoint',
      constructorParams: { mediaPipeline: p.result?.['value'] },
    });
    const id = ep.result?.['value'];
    const bad = { candidate: 'garbage', sdpMid: '0', sdpMLineIndex: 0 };
    // Queued (no SDP yet): accepted now, rejected quietly later.
    expect(
      (
        await c.call('invoke', {
          object: id,
          operation: 'addIceCandidate',
          operationParams: { candidate: bad },
        })
      ).error,
    ).toBeUndefined();
    const noCandidate = await c.call('invoke', {
      object: id,
      operation: 'addIceCandidate',
      operationParams: {},
    });
    expect(noCandidate.error).toMatchObject({ code: 40001 });
    const offer = [
      'v=0',
      'o=- 1 1 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      'a=group:BUNDLE 0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'c=IN IP4 0.0.0.0',
      'a=mid:0',
      'a=sendonly',
      'a=rtcp-mux',
      'a=ice-ufrag:abcd',
      'a=ice-pwd:abcdefghijklmnopqrstuvwx',
      'a=setup:actpass',
      'a=fingerprint:sha-256 ' + Array.from({ length: 32 }, () => 'AB').join(':'),
      'a=rtpmap:111 opus/48000/2',
      '',
    ].join('\r\n');
    const answer = await c.call('invoke', {
      object: id,
      operation: 'processOffer',
      operationParams: { offer },
    });
    expect(String(answer.result?.['value'])).toMatch(/^v=0/);
    const later = await c.call('invoke', {
      object: id,
      operation: 'addIceCandidate',
      operationParams: { candidate: bad },
    });
    expect(later.error).toMatchObject({ code: 40401, data: { type: 'ICE_ADD_CANDIDATE_ERROR' } });
    expect((await c.call('ping')).result).toMatchObject({ value: 'pong' });
  });

  it('runs a transaction in order, resolving newref:N, and stops at the first failure', async () => {
    const c = await raw();
    const tx = await c.call('transaction', {
      operations: [
        { jsonrpc: '2.0', id: 0, method: 'create', params: { type: 'MediaPipeline' } },
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'create',
          params: { type: 'WebRtcEndpoint', constructorParams: { mediaPipeline: 'newref:0' } },
        },
        {
          jsonrpc: '2.0',
          id: 2,
          method: 'invoke',
          params: { object: 'nope', operation: 'getName' },
        },
        { jsonrpc: '2.0', id: 3, method: 'create', params: { type: 'MediaPipeline' } },
      ],
    });
    const value = tx.result?.['value'] as {
      id: number;
      result?: { value: string };
      error?: { code: number };
    }[];
    expect(value).toHaveLength(3);
    expect(value[1]?.result?.value.startsWith(`${value[0]?.result?.value}/`)).toBe(true);
    expect(value[2]?.error?.code).toBe(40101);
    expect(server.registry.pipelineIds()).toHaveLength(1);
    const bad = await c.call('transaction', {
      operations: [{ jsonrpc: '2.0', id: 5, method: 'ping' }],
    });
    expect(bad.error).toMatchObject({ code: 40008, message: "Id of request '0' should be '0'" });
  });

  it('never crashes on random input', async () => {
    const c = await raw();
    const junk = [
      '',
      'null',
      '{}',
      '{"jsonrpc":"2.0"}',
      '{"jsonrpc":"2.0","method":"invoke","params":{"object":{}},"id":1}',
      '{"jsonrpc":"2.0","method":"create","params":{"type":[]},"id":2}',
      '{"jsonrpc":"2.0","method":"transaction","params":{"operations":[{"id":3}]},"id":3}',
      '\u0000\u0001',
      '{"jsonrpc":"2.0","method":"subscribe","params":{"object":"manager_ServerManager","type":null},"id":4}',
    ];
    for (const j of junk) c.ws.send(j);
    // The well-formed ones gave the connection its session (it is bound on the first request).
    expect((await c.call('ping')).result).toMatchObject({ value: 'pong' });
  });
});
