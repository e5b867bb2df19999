/**
 * The switches behind `DevOrg.faults` that the HTTP and CometD layers consult on every
 * request. Kept apart from those layers so a test flips one switch and every part sees it.
 */

/** Which faults are on right now. */
export class FaultSwitches {
  /** Handshake, connect and subscribe answer `403::Organization total events daily limit exceeded`. */
  dailyLimit = false;
  /** /meta/connect requests are held and never answered. */
  stallConnects = false;
  /** New TCP connections are destroyed as soon as they are accepted. */
  refuseConnections = false;
  #busyRemaining = 0;

  /** The next `count` Bayeux messages answer `503::Server is too busy` (replaces any earlier count). */
  setBusy(count: number): void {
    this.#busyRemaining = Math.max(0, Math.floor(count));
  }

  /** Consumes one "busy" answer; true when this message must be refused as busy. */
  takeBusy(): boolean {
    if (this.#busyRemaining === 0) return false;
    this.#busyRemaining -= 1;
    return true;
  }
}
