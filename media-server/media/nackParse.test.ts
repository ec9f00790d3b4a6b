import { describe, expect, it } from 'vitest';
import {
  GenericNack,
  PictureLossIndication,
  RtcpPacketConverter,
  RtcpPayloadSpecificFeedback,
  RtcpTransportLayerFeedback,
} from 'werift';

import { installNackParseBound } from './nackParse';

describe('NACK parsing in a compound RTCP packet', () => {
  it('reads only the NACK’s own entries, not the packets after it', () => {
    installNackParseBound();
    const nack = new RtcpTransportLayerFeedback({
      feedback: new GenericNack({ senderSsrc: 1, mediaSourceSsrc: 2, lost: [100, 101, 103] }),
    });
    const pli = new RtcpPayloadSpecificFeedback({
      feedback: new PictureLossIndication({ senderSsrc: 0x1234_5678, mediaSsrc: 0x9abc_def0 }),
    });
    const packets = RtcpPacketConverter.deSerialize(
      Buffer.concat([nack.serialize(), pli.serialize()]),
    );
    const parsed = packets.find((p) => p.type === RtcpTransportLayerFeedback.type);
    expect(parsed && 'feedback' in parsed && parsed.feedback).toMatchObject({
      lost: [100, 101, 103],
    });
    expect(packets).toHaveLength(2);
  });
});
