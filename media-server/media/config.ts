/** Network settings every endpoint's werift peer is built from (see README "Options"). */
export interface MediaNetworkConfig {
  /** UDP range for ICE sockets; undefined = any free port. */
  portRange?: [number, number];
  /** Host candidates are restricted to these addresses when set. */
  iceAddresses?: string[];
  /** Replaces the address of host candidates (public IP of a NAT / Docker host). */
  announcedIp?: string;
  stunServers: string[];
  turnServers: TurnServer[];
}

export interface TurnServer {
  url: string;
  username: string;
  credential: string;
}
