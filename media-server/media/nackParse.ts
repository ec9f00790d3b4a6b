import { GenericNack } from 'werift';

/**
 * werift 0.24 hands each packet of a compound RTCP datagram everything up to the datagram's end,
 * and GenericNack reads FCI entries until the end of what it is given: a NACK followed by another
 * packet (Chromium sends RR + SDES + NACK + …) comes out with "lost" sequence numbers made of the
 * next packets' bytes. RtpSink finds none of those in its history, but the link estimate counts
 * NACKed packets (LinkEstimator.ts). Bound the parse to the packet's own length (its header's
 * length field counts the 32-bit words after the header: two SSRCs, then the FCI entries).
 */
let installed = false;

export function installNackParseBound(): void {
  if (installed) return;
  installed = true;
  const parse = GenericNack.deSerialize.bind(GenericNack);
  GenericNack.deSerialize = (data, header) => parse(data.subarray(0, header.length * 4), header);
}
