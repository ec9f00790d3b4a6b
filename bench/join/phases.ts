/** Turns the page probe's event log into the phases of one join. */

export interface ProbeEvent {
  t: number;
  kind: string;
  pc?: number | null;
  event?: string | null;
  state?: string;
  ok?: boolean | null;
  selfId?: string | null;
}

export interface JoinPhases {
  /** click → socket.io connected (websocket open + socket.io CONNECT); 0 when connected before */
  socket: number;
  /** socket connected → room:join ack */
  join: number;
  /**
   * join ack → the first remote's offer leaves (RTCPeerConnection, createOffer, setLocalDescription);
   * 0 when the offer went with the join itself (issue 18)
   */
  offerLocal: number;
  /**
   * offer sent → answer ack (server: endpoint, connect, processOffer); for an offer that went with
   * the join, join ack → its `subscription:answer`
   */
  sdp: number;
  /** answer → ICE connected */
  ice: number;
  /** ICE connected → DTLS connected (connectionState) */
  dtls: number;
  /** DTLS connected → first decoded remote frame */
  firstFrame: number;
  /** click → first decoded frame of the first remote */
  total: number;
  /** click → first decoded frame of every remote */
  allRemotes: number;
  /** which signal marked the first frame: requestVideoFrameCallback or getStats framesDecoded */
  frameSource: 'rvfc' | 'stats';
}

const first = (events: ProbeEvent[], pred: (e: ProbeEvent) => boolean): ProbeEvent | undefined =>
  events.find(pred);

const joinEmitAt = (events: ProbeEvent[]): number | undefined =>
  first(events, (e) => e.kind === 'emit' && e.event === 'room:join')?.t;

export function joinPhases(events: ProbeEvent[], remotes: number): JoinPhases {
  const click = first(events, (e) => e.kind === 'click');
  if (!click) throw new Error('no click recorded');
  const after = events.filter((e) => e.t >= click.t).sort((a, b) => a.t - b.t);
  // A prejoin that connects its socket before the click (issue 18) spends nothing on it after.
  const connectedBefore = events.some((e) => e.kind === 'sio:connect' && e.t < click.t);
  const socket =
    first(after, (e) => e.kind === 'sio:connect' && e.t < (joinEmitAt(after) ?? Infinity)) ??
    (connectedBefore ? click : undefined);
  const joinAck = first(after, (e) => e.kind === 'ack' && e.event === 'room:join');
  if (!socket || !joinAck) throw new Error('no socket connect or join ack');
  // First decoded frame per receiving connection: requestVideoFrameCallback (its frame's
  // presentationTime), else getStats. Events may be out of order: the frame's time is earlier
  // than the callback that reports it.
  const frameAt = new Map<number, { t: number; source: 'rvfc' | 'stats' }>();
  for (const e of after) {
    if ((e.kind === 'frame' || e.kind === 'decoded') && typeof e.pc === 'number') {
      const source = e.kind === 'frame' ? 'rvfc' : 'stats';
      const cur = frameAt.get(e.pc);
      if (!cur || (cur.source === 'stats' && source === 'rvfc'))
        frameAt.set(e.pc, { t: e.t, source });
    }
  }
  if (frameAt.size < remotes) throw new Error(`frames from ${frameAt.size}/${remotes} remotes`);
  const ordered = [...frameAt.entries()].sort((a, b) => a[1].t - b[1].t);
  const [pc, frame] = ordered[0] ?? [];
  const last = ordered[remotes - 1]?.[1];
  if (pc === undefined || !frame || !last) throw new Error('no frame');
  // An offer that went with the join counts from the join's answer.
  const pipelined = first(after, (e) => e.kind === 'answer' && e.pc === pc);
  const offer =
    first(after, (e) => e.kind === 'emit' && e.event === 'publication:subscribe' && e.pc === pc) ??
    (pipelined ? joinAck : undefined);
  const answer =
    first(after, (e) => e.kind === 'ack' && e.event === 'publication:subscribe' && e.pc === pc) ??
    pipelined;
  // A receiver prepared on the prejoin screen was up before the click: from its answer (the
  // server fed it) to the frame is all that is left.
  const upBefore = events.some(
    (e) => e.kind === 'pc:conn' && e.pc === pc && e.state === 'connected' && e.t < click.t,
  );
  const ice = upBefore
    ? answer
    : first(
        after,
        (e) =>
          e.kind === 'pc:ice' &&
          e.pc === pc &&
          (e.state === 'connected' || e.state === 'completed'),
      );
  const dtls = upBefore
    ? answer
    : first(after, (e) => e.kind === 'pc:conn' && e.pc === pc && e.state === 'connected');
  if (!offer || !answer || !ice || !dtls) throw new Error(`incomplete milestones for pc ${pc}`);
  return {
    socket: socket.t - click.t,
    join: joinAck.t - socket.t,
    offerLocal: offer.t - joinAck.t,
    sdp: answer.t - offer.t,
    ice: ice.t - answer.t,
    dtls: dtls.t - ice.t,
    firstFrame: frame.t - dtls.t,
    total: frame.t - click.t,
    allRemotes: last.t - click.t,
    frameSource: frame.source,
  };
}
