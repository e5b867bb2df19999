// Typings for the parts of faye's server the dev org uses (faye ships no types): the NodeAdapter,
// server extensions that see the HTTP request, and the engine interface a custom engine implements
// (faye/src/engines/proxy.js calls it; faye/src/engines/memory.js is faye's own implementation).
// Ambient declarations of 'faye' merge with faye.d.ts and jsforce's bundled typings.
declare module 'faye' {
  /**
   * A server extension. A hook declared with three parameters also receives the HTTP request
   * (`null` for messages from faye's in-process client); call `callback(message)` exactly once,
   * or never to leave the request unanswered. Setting `message.error` on an incoming meta message
   * makes faye answer it unsuccessfully with that error.
   */
  export interface ServerExtension {
    incoming?: (
      message: BayeuxMessage,
      request: import('node:http').IncomingMessage | null,
      callback: (message: BayeuxMessage) => void,
    ) => void;
    outgoing?: (
      message: BayeuxMessage,
      request: import('node:http').IncomingMessage | null,
      callback: (message: BayeuxMessage) => void,
    ) => void;
  }

  /** faye's engine proxy (engines/proxy.js) as a custom engine sees it. */
  export interface EngineProxy {
    /** Long-poll hold time, seconds (the NodeAdapter's `timeout` option). */
    readonly timeout: number;
    /** Advised reconnect interval, seconds. */
    readonly interval: number;
    /** A fresh random client id. */
    generateId(): string;
    /** Whether a /meta/connect of this client is being held right now. */
    hasConnection(clientId: string): boolean;
    /** Hands messages to the client's held connection; false when none is held. */
    deliver(clientId: string, messages: BayeuxMessage[]): boolean;
    /** Expands the channel (wildcards) and calls the engine's `publish`. */
    publish(message: BayeuxMessage): void;
    /** Emits an engine event (`handshake`, `subscribe`, `unsubscribe`, `disconnect`, `close`, …). */
    trigger(event: string, ...args: unknown[]): void;
    /** Listens to an engine event; `connection:close` fires when a held long-poll was answered. */
    bind(event: string, listener: (clientId: string) => void): void;
  }

  /** What faye's engine proxy calls on an engine (the methods of engines/memory.js). */
  export interface Engine {
    createClient(callback: (clientId: string) => void, context?: unknown): void;
    destroyClient(clientId: string, callback?: () => void, context?: unknown): void;
    clientExists(clientId: string, callback: (exists: boolean) => void, context?: unknown): void;
    ping(clientId: string): void;
    subscribe(clientId: string, channel: string, callback?: (ok: boolean) => void, context?: unknown): void;
    unsubscribe(clientId: string, channel: string, callback?: (ok: boolean) => void, context?: unknown): void;
    publish(message: BayeuxMessage, channels: string[]): void;
    emptyQueue(clientId: string): void;
    disconnect(): void;
  }

  /** The `engine.type` option: faye calls `create` once, with its proxy. */
  export interface EngineType {
    create(proxy: EngineProxy, options: Record<string, unknown>): Engine;
  }

  export interface NodeAdapterOptions {
    /** Path the adapter serves; every path below it too. */
    mount?: string;
    /** Long-poll hold time and advised `timeout`, seconds. */
    timeout?: number;
    ping?: number;
    engine?: { type?: EngineType; interval?: number };
    extensions?: ServerExtension[];
  }

  export class NodeAdapter {
    constructor(options?: NodeAdapterOptions);
    /** Takes over the server's `request` and `upgrade` events for paths under `mount`. */
    attach(server: import('node:http').Server): void;
    addExtension(extension: ServerExtension): void;
    removeExtension(extension: ServerExtension): void;
    /** Answers every held long-poll and disconnects the engine. */
    close(): void;
  }
}
