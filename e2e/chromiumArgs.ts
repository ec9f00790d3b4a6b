/**
 * How Moim's browser tests and the join-latency benchmark start Chromium. `--no-sandbox` because CI
 * runs as root; the background-networking flags because this machine's closed network otherwise
 * gets flooded; fake devices and auto-accepted prompts stand in for a person's camera and consent;
 * loopback candidates because the tests run in a loopback-only network namespace.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];
