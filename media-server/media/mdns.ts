import type { SessionDescription } from 'sdp-transform';

/**
 * mDNS ICE candidates (`<uuid>.local`, draft-ietf-mmusic-mdns-ice-candidates). A browser without
 * camera/microphone permission (a receive-only viewer who denied it) hides its host addresses
 * behind such names. The server never resolves them:
 *
 * - a name is only answered on the browser's own link, so for a browser elsewhere (any real
 *   deployment) the lookup can only time out;
 * - werift 0.24's attempt (`MdnsLookup`: a multicast-dns socket bound to UDP 5353 per connection,
 *   multicast queries on every interface, ignoring `--ice-addresses`) holds `addIceCandidate` for
 *   its 10 s timeout, and when another program holds port 5353 without SO_REUSEADDR the socket's
 *   EADDRINUSE becomes an unhandled 'error' event that kills the whole media server.
 *
 * Nothing is lost by dropping them: the browser is the controlling agent (it made the offer) and
 * sends its connectivity checks to our candidates; werift learns a peer-reflexive remote
 * candidate from each check's source address (RFC 8445 §7.3.1.3), answers it and accepts the
 * browser's USE-CANDIDATE on that pair (`checkIncoming` in werift's ice.js).
 */
export function isMdnsCandidate(candidate: string): boolean {
  // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …
  const address = candidate.replace(/^a=/, '').split(' ')[4];
  return address !== undefined && isMdnsHost(address);
}

export function isMdnsHost(address: string): boolean {
  return /\.local\.?$/i.test(address);
}

/**
 * An end-of-candidates indication: a trickled candidate with an empty string. It is not passed on
 * either (nor `a=end-of-candidates` in an SDP, see dropMdnsCandidates): werift's `Connection.connect`
 * stops scheduling checks once the remote list is complete and, when its check list is empty at
 * that point (every signalled candidate was an mDNS name), declares ICE failed at once, before the
 * browser's first check could teach it a peer-reflexive candidate. End-of-candidates only closes
 * the list of *signalled* candidates (RFC 8838 §4); the controlling browser still decides failure,
 * and the endpoint is released when it gives up.
 */
export function isEndOfCandidates(candidate: string): boolean {
  return (
    candidate
      .replace(/^a=/, '')
      .replace(/^candidate:/, '')
      .trim() === ''
  );
}

/**
 * Removes mDNS candidates and the end-of-candidates marker from a parsed remote SDP (non-trickle
 * offers/answers carry candidates too; Firefox adds `a=end-of-candidates` once gathering is done).
 * Returns how many lines were removed.
 */
export function dropMdnsCandidates(sdp: SessionDescription): number {
  let dropped = 0;
  for (const m of sdp.media) {
    if (m.endOfCandidates !== undefined) {
      delete m.endOfCandidates;
      dropped++;
    }
    if (!m.candidates) continue;
    const kept = m.candidates.filter((c) => !isMdnsHost(c.ip));
    dropped += m.candidates.length - kept.length;
    m.candidates = kept;
  }
  // Also allowed at session level (RFC 8840), where sdp-transform's types do not list it.
  const session = sdp as SessionDescription & { endOfCandidates?: string };
  if (session.endOfCandidates !== undefined) {
    delete session.endOfCandidates;
    dropped++;
  }
  return dropped;
}
