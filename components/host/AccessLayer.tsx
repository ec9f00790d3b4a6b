import { WaitingScreen } from '../lobby/WaitingScreen';
import { HostNotices } from './HostNotices';
import './host.css';

/** Access in the call screen: the waiting screen while my join waits, else host notices. */
export function AccessLayer() {
  return (
    <>
      <WaitingScreen />
      <HostNotices />
    </>
  );
}
