// werift names its codec factories `useX`, which the React hooks lint rule mistakes for hooks.
export {
  useH264 as h264Codec,
  useOPUS as opusCodec,
  useSdesMid as sdesMidExtension,
  useVP8 as vp8Codec,
} from 'werift';
