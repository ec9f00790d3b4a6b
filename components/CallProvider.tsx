'use client';

import { useEffect, useState, type ReactNode } from 'react';
import { CallSession, type JoinChoice } from '@/lib/call/CallSession';
import { CallContext, type CallContextValue } from '@/lib/hooks/callContext';
import { MeetingContext } from '@/lib/hooks/meetingContext';
import { MeetingClient } from '@/lib/meeting/MeetingClient';
import { AccessClient } from '@/lib/access/AccessClient';
import { AccessContext } from '@/lib/access/accessContext';
import { createAccessStore } from '@/lib/access/accessStore';
import { RecordingClient } from '@/lib/recording/RecordingClient';
import { RecordingContext } from '@/lib/recording/recordingContext';
import { createCallStore } from '@/lib/store/createCallStore';
import { createMeetingStore } from '@/lib/store/meetingStore';

/**
 * One call: a store and a session created once per mount (with the meeting's chat, hands and
 * reactions beside it on the same socket). The session starts on mount and leaves on unmount;
 * StrictMode's extra unmount/mount does not create a second one.
 */
export function CallProvider(props: {
  roomId: string;
  joinToken?: string | undefined;
  choice: JoinChoice;
  children: ReactNode;
}) {
  const { roomId, joinToken, choice, children } = props;
  const [value] = useState<
    CallContextValue & { meeting: MeetingClient; access: AccessClient; recording: RecordingClient }
  >(() => {
    const store = createCallStore(roomId);
    const meeting = new MeetingClient(createMeetingStore());
    // A host's mute turns my own controls off too, so that my unmute is what lifts it.
    const access = new AccessClient(createAccessStore(), {
      roomId,
      muteSelf: ({ audio, video }) => {
        if (audio) session.setAudioMuted(true);
        if (video) void session.setVideoMuted(true);
      },
    });
    const recording = new RecordingClient();
    const extensions = [meeting, access, recording];
    const session = new CallSession(store, { roomId, joinToken, ...choice, extensions });
    return { store, session, meeting, access, recording };
  });
  useEffect(() => {
    value.session.retain();
    return () => value.session.release();
  }, [value]);
  return (
    <CallContext.Provider value={value}>
      <MeetingContext.Provider value={value.meeting}>
        <AccessContext.Provider value={value.access}>
          <RecordingContext.Provider value={value.recording}>{children}</RecordingContext.Provider>
        </AccessContext.Provider>
      </MeetingContext.Provider>
    </CallContext.Provider>
  );
}
