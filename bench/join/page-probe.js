// Injected into every page of the join-latency benchmark (page.addInitScript) before the app runs.
// It records, with performance.now() timestamps, what the app does on the wire and in WebRTC without
// touching the app's code: the click on Join, socket.io frames (connect, emits and their acks), each
// RTCPeerConnection's offer/answer/ICE/DTLS milestones and the first decoded frame of each remote video
// (requestVideoFrameCallback on the <video> that shows it, and getStats framesDecoded > 0 as a check).
(() => {
  const events = [];
  const mark = (kind, detail) => events.push({ t: performance.now(), kind, ...detail });
  const state = {
    events,
    offersBySdp: new Map(),
    emits: new Map(),
    remoteTrackToPc: new Map(),
    hookedVideos: new WeakSet(),
    framesSeen: new Set(),
    statsSeen: new Set(),
    recvPcs: new Map(),
    // Receive offers sent with room:join (issue 18): the pc of each, by its ICE ufrag, and the
    // publication the server gave it (the join's answer), whose answer then comes as an event.
    pcByUfrag: new Map(),
    joinOffers: [],
    pcByPublication: new Map(),
    // Receivers prepared on the prejoin screen (prejoin:receive): its offers' pcs by request id,
    // then each pc by the index the server gave its receiver.
    receiveOffers: new Map(),
    pcByReceiver: new Map(),
  };
  const ufragOf = (sdp) => /a=ice-ufrag:(\S+)/.exec(sdp)?.[1];
  Object.defineProperty(window, '__moimBench', { value: { events }, enumerable: false });

  document.addEventListener(
    'click',
    (e) => {
      const target =
        e.target instanceof Element ? e.target.closest('[data-testid="prejoin_join"]') : null;
      if (target) mark('click');
    },
    true,
  );

  const NativeWebSocket = window.WebSocket;
  class ProbedWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      mark('ws:create');
      this.addEventListener('open', () => mark('ws:open'));
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        if (e.data.startsWith('40')) {
          mark('sio:connect');
          return;
        }
        if (e.data.startsWith('42["subscription:answer"')) {
          try {
            const [, answer] = JSON.parse(e.data.slice(2));
            const pc = state.pcByPublication.get(answer.publicationId) ?? null;
            mark('answer', {
              event: 'subscription:answer',
              pc,
              ok: typeof answer.sdp === 'string',
            });
          } catch {
            // not JSON
          }
          return;
        }
        const ack = /^43(\d+)/.exec(e.data);
        if (!ack) return;
        const id = Number(ack[1]);
        const emit = state.emits.get(id);
        let ok = null;
        let selfId = null;
        try {
          const [result] = JSON.parse(e.data.slice(2 + ack[1].length));
          ok = Boolean(result && result.ok);
          if (result && result.data && typeof result.data.selfId === 'string')
            selfId = result.data.selfId;
          for (const taken of (result && result.data && result.data.preparedSubscriptions) || []) {
            const pc =
              typeof taken.receiver === 'number'
                ? state.pcByReceiver.get(taken.receiver)
                : state.joinOffers[taken.offer];
            if (pc !== undefined) state.pcByPublication.set(taken.publicationId, pc);
          }
          const offered = state.receiveOffers.get(id);
          for (const [i, r] of ((result && result.data && result.data.receivers) || []).entries()) {
            if (offered && offered[i] !== undefined) state.pcByReceiver.set(r.index, offered[i]);
          }
        } catch {
          // not JSON
        }
        mark('ack', { id, event: emit ? emit.event : null, pc: emit ? emit.pc : null, ok, selfId });
      });
    }
    send(data) {
      if (typeof data === 'string') {
        const m = /^42(\d+)\["([^"]+)"/.exec(data);
        if (m) {
          const id = Number(m[1]);
          let pc = null;
          if (m[2] === 'prejoin:receive') {
            try {
              const [, payload] = JSON.parse(data.slice(2 + m[1].length));
              state.receiveOffers.set(
                id,
                (payload.offers || []).map((sdp) => state.pcByUfrag.get(ufragOf(sdp))),
              );
            } catch {
              // not JSON
            }
          }
          if (m[2] === 'room:join') {
            try {
              const [, payload] = JSON.parse(data.slice(2 + m[1].length));
              state.joinOffers = (payload.offers || []).map((sdp) =>
                state.pcByUfrag.get(ufragOf(sdp)),
              );
            } catch {
              // not JSON
            }
          }
          if (m[2] === 'publication:subscribe' || m[2] === 'publication:publish') {
            try {
              const [, payload] = JSON.parse(data.slice(2 + m[1].length));
              pc = state.offersBySdp.get(payload.sdp) ?? null;
            } catch {
              // not JSON
            }
          }
          state.emits.set(id, { event: m[2], pc });
          mark('emit', { id, event: m[2], pc });
        }
      }
      super.send(data);
    }
  }
  window.WebSocket = ProbedWebSocket;

  const NativePC = window.RTCPeerConnection;
  let pcSeq = 0;
  class ProbedPC extends NativePC {
    constructor(...args) {
      super(...args);
      const id = ++pcSeq;
      this.__benchId = id;
      mark('pc:create', { pc: id });
      this.addEventListener('iceconnectionstatechange', () =>
        mark('pc:ice', { pc: id, state: this.iceConnectionState }),
      );
      this.addEventListener('connectionstatechange', () =>
        mark('pc:conn', { pc: id, state: this.connectionState }),
      );
      this.addEventListener('track', (e) => mark('pc:track', { pc: id, trackKind: e.track.kind }));
    }
    addTransceiver(trackOrKind, init) {
      const t = super.addTransceiver(trackOrKind, init);
      if (init && init.direction === 'recvonly' && t.receiver.track.kind === 'video') {
        state.remoteTrackToPc.set(t.receiver.track.id, this.__benchId);
        state.recvPcs.set(this.__benchId, this);
        mark('pc:recvonly', { pc: this.__benchId });
      }
      return t;
    }
    async setLocalDescription(desc) {
      const r = await super.setLocalDescription(desc);
      if (this.localDescription) {
        state.offersBySdp.set(this.localDescription.sdp, this.__benchId);
        const ufrag = ufragOf(this.localDescription.sdp);
        if (ufrag) state.pcByUfrag.set(ufrag, this.__benchId);
      }
      mark('pc:sld', { pc: this.__benchId });
      return r;
    }
    async setRemoteDescription(desc) {
      const r = await super.setRemoteDescription(desc);
      mark('pc:srd', { pc: this.__benchId });
      return r;
    }
  }
  window.RTCPeerConnection = ProbedPC;

  const pollDecoded = async () => {
    for (const [pc, peer] of state.recvPcs) {
      if (state.statsSeen.has(pc)) continue;
      const report = await peer.getStats().catch(() => null);
      if (!report) continue;
      report.forEach((s) => {
        if (
          s.type === 'inbound-rtp' &&
          s.kind === 'video' &&
          s.framesDecoded > 0 &&
          !state.statsSeen.has(pc)
        ) {
          state.statsSeen.add(pc);
          mark('decoded', { pc });
        }
      });
    }
  };
  const poll = setInterval(() => void pollDecoded(), 20);
  setTimeout(() => clearInterval(poll), 120_000);
  const scan = () => {
    for (const video of document.querySelectorAll('video')) {
      const stream = video.srcObject;
      if (!(stream instanceof MediaStream)) continue;
      for (const track of stream.getVideoTracks()) {
        const pc = state.remoteTrackToPc.get(track.id);
        if (pc === undefined || state.hookedVideos.has(video)) continue;
        state.hookedVideos.add(video);
        if (typeof video.requestVideoFrameCallback === 'function') {
          video.requestVideoFrameCallback((_now, meta) => {
            if (state.framesSeen.has(pc)) return;
            state.framesSeen.add(pc);
            // The callback runs with the next rendering update (and waits for a busy main thread);
            // presentationTime is when the decoded frame was handed to the compositor.
            const callbackAt = performance.now();
            const presented = meta.presentationTime;
            const t =
              Number.isFinite(presented) && presented <= callbackAt ? presented : callbackAt;
            events.push({
              t,
              kind: 'frame',
              pc,
              callbackAt,
              width: meta.width,
              height: meta.height,
            });
          });
        }
      }
    }
  };
  const timer = setInterval(scan, 5);
  setTimeout(() => clearInterval(timer), 120_000);
  new MutationObserver(scan).observe(document, { childList: true, subtree: true });
})();
