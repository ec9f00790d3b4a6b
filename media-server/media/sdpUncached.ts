import { RTCSessionDescription, SessionDescription } from 'werift';

let installed = false;

/**
 * werift's parsed descriptions keep their last `toJSON()` (an RTCSessionDescription holding the
 * whole SDP text) for the connection's life, local and remote: 2.5 KB per connection (heap
 * snapshot of a room of 8, bench/RESULTS.md, issue 15, session 14). The cache only spares the
 * wrapper: `toJSON` builds the SDP text anew on every call to compare it with the cached one. So
 * the same value is returned, new each time (`pc.localDescription` is read during negotiation,
 * and once per trickled candidate). Installed once, before any peer exists.
 */
export function uncachedDescriptions(): void {
  if (installed) return;
  installed = true;
  SessionDescription.prototype.toJSON = function toJSON(this: SessionDescription) {
    return new RTCSessionDescription(this.string, this.type);
  };
}
