import type { Messages } from '../en';

// One JSON file per namespace, so that features add their strings without touching each other's files.
import call from './call.json';
import devices from './devices.json';
import ended from './ended.json';
import errors from './errors.json';
import home from './home.json';
import host from './host.json';
import language from './language.json';
import lobby from './lobby.json';
import media from './media.json';
import meeting from './meeting.json';
import meta from './meta.json';
import notFound from './notFound.json';
import notices from './notices.json';
import prejoin from './prejoin.json';
import recording from './recording.json';
import quality from './quality.json';
import stage from './stage.json';
import tile from './tile.json';

const messages: Messages = {
  call,
  devices,
  ended,
  errors,
  home,
  host,
  language,
  lobby,
  media,
  meeting,
  meta,
  notFound,
  notices,
  prejoin,
  recording,
  quality,
  stage,
  tile,
};
export default messages;
