// Minimal typings for the parts of faye's client the bridge uses (faye ships no types).
// The server side (NodeAdapter) is declared in faye-server.d.ts; ambient declarations merge.
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
  export interface Subscription {
    cancel(): void;
    callback(fn: () => void): Subscription;
    errback(fn: (error: { message: string; code?: number }) => void): Subscription;
  }
  export class Client {
    constructor(endpoint: string, options?: { timeout?: number; retry?: number; interval?: number });
    addExtension(extension: Extension): void;
    setHeader(name: string, value: string): void;
    subscribe(channel: string, listener: (message: unknown) => void): Subscription;
    disconnect(): void;
    on(event: 'transport:down' | 'transport:up', listener: () => void): void;
  }
}
