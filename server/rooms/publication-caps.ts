import { ErrorCode, publicationLimits } from '../../lib/protocol';
import type { PublicationSource } from '../../lib/protocol';
import { AppError } from '../errors';
import type { Participant } from './participant';

/**
 * PUBLICATION_LIMIT unless `owner` may add a publication of `source` in a room of `participants`:
 * one camera and one screen each, and a few screens per room (a stage cannot show more).
 */
export function assertPublicationCaps(
  owner: Participant,
  source: PublicationSource,
  participants: Participant[],
): void {
  const mine = owner.allPublications.filter((publication) => publication.source === source);
  const perParticipant =
    source === 'camera'
      ? publicationLimits.camerasPerParticipant
      : publicationLimits.screensPerParticipant;
  if (mine.length >= perParticipant) {
    throw new AppError(
      ErrorCode.PublicationLimit,
      source === 'camera'
        ? 'You already publish a camera.'
        : 'You already share a screen; stop it first.',
    );
  }
  if (source !== 'screen') return;
  const screens = participants
    .flatMap((participant) => participant.allPublications)
    .filter((publication) => publication.source === 'screen').length;
  if (screens >= publicationLimits.screensPerRoom) {
    throw new AppError(
      ErrorCode.PublicationLimit,
      `${publicationLimits.screensPerRoom} people are already sharing their screen in this room.`,
    );
  }
}
