// Typings for the parts of faye's client the bridge uses beyond what jsforce's bundled typings
// (node_modules/jsforce/typings/faye) declare. Ambient declarations of 'faye' merge: the interfaces
// below add members to jsforce's `Client` class. The server side lives in faye-server.d.ts.
declare module 'faye' {
  /** A Bayeux message as faye passes it through extensions. */
  export interface BayeuxMessage {
    channel: string;
    clientId?: string;
    id?: string;
    successful?: boolean;
    error?: string;
    subscription?: string | string[];
    advice?: { reconnect?: 'retry' | 'handshake' | 'none'; interval?: number; timeout?: number };
    ext?: Record<string, unknown>;
    data?: unknown;
    [key: string]: unknown;
  }
  /** A faye extension: either hook may be omitted; call `callback(message)` exactly once. */
  export interface Extension {
    incoming?: (message: BayeuxMessage, callback: (message: BayeuxMessage) => void) => void;
    outgoing?: (message: BayeuxMessage, callback: (message: BayeuxMessage) => void) => void;
  }
  export interface Client {
    disconnect(): void;
    on(event: 'transport:down' | 'transport:up', listener: () => void): void;
  }
}
