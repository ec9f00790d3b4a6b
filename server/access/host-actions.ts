import { ErrorCode } from '../../lib/protocol';
import type {
  HostMuteRequest,
  HostSpotlightRequest,
  RoomSettings,
  RoomSettingsRequest,
  Spotlight,
} from '../../lib/protocol';
import { AppError } from '../errors';
import type { Room } from '../rooms/room';

/**
 * Host powers on one room. Each checks the actor's role first (FORBIDDEN, nothing changes), then
 * its target (UNKNOWN_PARTICIPANT), then acts. Requests arrive parsed (access-handlers.ts).
 */

function requireOther(room: Room, actorId: string, targetId: string): void {
  if (targetId === actorId) {
    throw new AppError(ErrorCode.BadRequest, 'participantId: name someone else.');
  }
  if (!room.getParticipant(targetId)) {
    throw new AppError(ErrorCode.UnknownParticipant, 'No participant with that id here.');
  }
}

/**
 * Mutes someone's microphone and/or camera (or everyone else's) at the media server: their
 * camera publication's audio/video is disconnected from every viewer, now and for any camera
 * they publish later, until lifted. They are told, and may unmute themselves unless the room's
 * self-unmute is off (`ownUnmute`). `false` lifts a host's mute of that kind (their own mute
 * stays: they unmute themselves).
 */
export async function mute(room: Room, actorId: string, request: HostMuteRequest): Promise<null> {
  room.access.assertHost(actorId);
  if (request.participantId !== undefined) requireOther(room, actorId, request.participantId);
  const targets =
    request.participantId !== undefined
      ? [request.participantId]
      : room.participants.map((p) => p.id).filter((id) => id !== actorId);
  const change = {
    ...(request.audio !== undefined ? { audio: request.audio } : {}),
    ...(request.video !== undefined ? { video: request.video } : {}),
  };
  // Recorded first, synchronously: a camera going live meanwhile takes it from here.
  for (const id of targets) room.access.forced(id, change);
  const cameras = room
    .listPublications()
    .filter((p) => p.source === 'camera' && targets.includes(p.participantId));
  await Promise.all(cameras.map((camera) => room.setForcedMute(camera.id, change)));
  const muted = { audio: change.audio === true, video: change.video === true };
  if (!muted.audio && !muted.video) return null;
  const selfUnmute = room.access.settings.selfUnmute;
  for (const id of targets) {
    room.access.tell(id, { event: 'access:muted', payload: { ...muted, selfUnmute } });
  }
  return null;
}

/**
 * The owner unmutes their own publication (`publication:mute` with `false`): a host's forced
 * mute of that kind is lifted when the room allows self-unmute, else FORBIDDEN. Runs before the
 * publications' own handler, which then records the owner's choice.
 */
export async function ownUnmute(
  room: Room,
  participantId: string,
  request: { publicationId: string; audioMuted?: boolean; videoMuted?: boolean },
): Promise<void> {
  const mine = room
    .listPublications()
    .find((p) => p.id === request.publicationId && p.participantId === participantId);
  if (mine?.source !== 'camera') return;
  const forced = room.access.forcedOf(participantId);
  const lift = {
    ...(request.audioMuted === false && forced.audio ? { audio: false } : {}),
    ...(request.videoMuted === false && forced.video ? { video: false } : {}),
  };
  if (lift.audio === undefined && lift.video === undefined) return;
  if (!room.access.settings.selfUnmute && room.access.roleOf(participantId) !== 'host') {
    throw new AppError(ErrorCode.Forbidden, 'The host has turned off unmuting yourself.');
  }
  room.access.forced(participantId, lift);
  await room.setForcedMute(mine.id, lift);
}

/**
 * Shows one tile large for everyone (a person's, or a screen share's), or none. Answers the
 * spotlight now in force; everyone hears it as `access:spotlight`.
 */
export function spotlight(
  room: Room,
  actorId: string,
  request: HostSpotlightRequest,
): Spotlight | null {
  room.access.assertHost(actorId);
  return room.access.spotlight.set(request);
}

/** Removes someone: they leave, are told, and stay out of this meeting from that browser. */
export async function remove(room: Room, actorId: string, targetId: string): Promise<null> {
  room.access.assertHost(actorId);
  requireOther(room, actorId, targetId);
  room.access.ban(targetId);
  await room.remove(targetId, {
    code: ErrorCode.Removed,
    message: 'A host removed you from the meeting.',
  });
  return null;
}

export function lowerHand(room: Room, actorId: string, targetId: string): null {
  room.access.assertHost(actorId);
  if (!room.getParticipant(targetId)) {
    throw new AppError(ErrorCode.UnknownParticipant, 'No participant with that id here.');
  }
  room.meeting.setHand(targetId, false);
  return null;
}

export function promote(room: Room, actorId: string, targetId: string): null {
  room.access.assertHost(actorId);
  room.access.promote(targetId);
  return null;
}

export function settings(
  room: Room,
  actorId: string,
  request: RoomSettingsRequest,
): Promise<RoomSettings> {
  room.access.assertHost(actorId);
  return room.access.update(request);
}

/** Ends the meeting for everyone: each is told MEETING_ENDED, every media object is released. */
export async function end(room: Room, actorId: string): Promise<null> {
  room.access.assertHost(actorId);
  await room.close({ code: ErrorCode.MeetingEnded, message: 'A host ended the meeting.' });
  return null;
}

export function admit(room: Room, actorId: string, waitingId: string): null {
  room.access.assertHost(actorId);
  if (!room.access.lobby.admit(waitingId)) throw nobodyWaiting();
  return null;
}

export function deny(room: Room, actorId: string, waitingId: string): null {
  room.access.assertHost(actorId);
  if (!room.access.lobby.deny(waitingId)) throw nobodyWaiting();
  return null;
}

function nobodyWaiting(): AppError {
  return new AppError(ErrorCode.UnknownParticipant, 'Nobody with that id is waiting.');
}
