import type { EventLoopUtilization } from 'node:perf_hooks';
import { performance } from 'node:perf_hooks';
import { beat } from './beat';

/** Whether forwarded packets go to the forwarding threads now (fanOut.ts asks per packet). */
export interface Engagement {
  readonly engaged: boolean;
}

/** When the threads engage and let go, in beats of the JS thread's event-loop utilization. */
export interface EngagePolicy {
  /** engage after `onBeats` beats in a row busier than `onAbove` */
  onAbove: number;
  onBeats: number;
  /** let go after `offBeats` beats in a row less busy than `offBelow` */
  offBelow: number;
  offBeats: number;
}

/**
 * On when the JS thread is more than 80 % busy for a whole second (4 beats): a second of it is
 * a room's steady load, not one DTLS handshake, a GC pause or a join's SDP. Off when it is under
 * 30 % for two seconds (8 beats): once engaged, the threads have taken the protect and send of
 * every forwarded packet, about half of what the JS thread did for a room (bench/RESULTS.md,
 * session 11), so a room that engaged at 0.8 runs at ~0.4–0.5 on the JS thread with them; an
 * off threshold above that would hand the room back and forth every few seconds. A small room
 * (N = 2: under 5 % busy) never comes near either, and pays one utilization read per beat.
 */
export const ENGAGE_ON_LOAD: EngagePolicy = {
  onAbove: 0.8,
  onBeats: 4,
  offBelow: 0.3,
  offBeats: 8,
};

/** The switch itself: a run of samples past a threshold flips it (no clock, no I/O). */
export class Hysteresis {
  readonly #policy: EngagePolicy;
  #on = false;
  #run = 0;

  constructor(policy: EngagePolicy) {
    this.#policy = policy;
  }

  get on(): boolean {
    return this.#on;
  }

  /** One beat's utilization (0–1); whether the switch is on after it. */
  sample(utilization: number): boolean {
    const p = this.#policy;
    const toward = this.#on ? utilization < p.offBelow : utilization > p.onAbove;
    this.#run = toward ? this.#run + 1 : 0;
    if (this.#run >= (this.#on ? p.offBeats : p.onBeats)) {
      this.#on = !this.#on;
      this.#run = 0;
    }
    return this.#on;
  }

  reset(): void {
    this.#on = false;
    this.#run = 0;
  }
}

type Utilization = (
  current?: EventLoopUtilization,
  previous?: EventLoopUtilization,
) => EventLoopUtilization;

/**
 * Engages the forwarding threads while the JS thread is busy (issue 15: a room of 2 pays a
 * hand-off and a wake-up per turn for nothing to batch, a room of 16 needs the second core).
 * Samples `performance.eventLoopUtilization()` on the process's beat (beat.ts) while packets
 * are forwarded: each `engaged` read marks the beat as used, and a beat in which nothing was
 * forwarded ends the sampling (no timer of its own, none at all in an idle process) and lets go.
 */
export class LoadEngagement implements Engagement {
  readonly #switch: Hysteresis;
  readonly #utilization: Utilization;
  #last: EventLoopUtilization | undefined;
  #used = false;
  #sampling = false;

  constructor(
    policy: EngagePolicy = ENGAGE_ON_LOAD,
    utilization: Utilization = (c, p) => performance.eventLoopUtilization(c, p),
  ) {
    this.#switch = new Hysteresis(policy);
    this.#utilization = utilization;
  }

  get engaged(): boolean {
    this.#used = true;
    if (!this.#sampling) this.#start();
    return this.#switch.on;
  }

  /** Stops sampling (and lets go): the owner is done. */
  close(): void {
    beat.delete(this);
    this.#sampling = false;
    this.#switch.reset();
  }

  #start(): void {
    this.#sampling = true;
    this.#last = this.#utilization();
    beat.add(this, 1, this.#tick);
  }

  readonly #tick = (): number => {
    if (!this.#used) {
      this.#sampling = false;
      this.#switch.reset();
      return 0;
    }
    this.#used = false;
    const now = this.#utilization();
    this.#switch.sample(this.#utilization(now, this.#last).utilization);
    this.#last = now;
    return 1;
  };
}
