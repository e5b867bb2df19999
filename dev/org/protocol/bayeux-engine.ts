/**
 * The dev org's faye engine: who is connected, what they subscribe to, and what waits to be
 * delivered to them. It replaces faye's in-memory engine (faye/src/engines/memory.js) for three
 * reasons: replayed events must reach one client, in order, before any live event (a hook queues
 * them at the very moment the subscription starts); a client must be forgotten `clientExpiryMs`
 * after its last long-poll ended, not faye's fixed twice-the-timeout ("Clients and Timeouts":
 * 40 s on Salesforce); and tests need to forget every client at once and count subscribers.
 *
 * faye's engine proxy (faye/src/engines/proxy.js) calls the {@link Engine} methods; it holds the
 * long-polls and answers them, and fires `connection:close` whenever it has answered one.
 */
import type { BayeuxMessage, Engine, EngineProxy, EngineType } from 'faye';

/** Options of a {@link BayeuxEngine}. */
export interface BayeuxEngineOptions {
  /** A client with no /meta/connect for this long after its last one ended is forgotten, ms. */
  clientExpiryMs: number;
  /** Longest a /meta/connect is held (the advised timeout), ms. */
  maxHoldMs: number;
  /**
   * Messages a client receives, before any live message, when it starts a subscription
   * (the replayed events). Called only once the subscription is accepted.
   */
  backlog?: (clientId: string, channel: string) => BayeuxMessage[];
}

interface ClientState {
  readonly channels: Set<string>;
  queue: BayeuxMessage[];
  expiry?: NodeJS.Timeout;
}

/** Clients, subscriptions and delivery queues of one CometD endpoint. */
export class BayeuxEngine implements Engine {
  readonly #options: BayeuxEngineOptions;
  readonly #clients = new Map<string, ClientState>();
  readonly #subscribers = new Map<string, Set<string>>();
  #proxy?: EngineProxy;

  constructor(options: BayeuxEngineOptions) {
    this.#options = options;
  }

  /** Pass as the NodeAdapter's `engine.type`; faye binds this engine to its proxy once. */
  readonly type: EngineType = {
    create: (proxy) => {
      if (this.#proxy) throw new Error('This engine already serves a faye server');
      this.#proxy = proxy;
      proxy.bind('connection:close', (clientId) => this.#armExpiry(clientId, this.#options.clientExpiryMs));
      return this;
    },
  };

  /** Number of clients subscribed to exactly `channel` right now. */
  subscriberCount(channel: string): number {
    return this.#subscribers.get(channel)?.size ?? 0;
  }

  /** Whether the client is known (handshaken and not forgotten). */
  hasClient(clientId: string): boolean {
    return this.#clients.has(clientId);
  }

  /** Forgets every client now; held long-polls are answered, and the next request of each gets `Unknown client`. */
  forgetAll(): void {
    for (const clientId of [...this.#clients.keys()]) this.destroyClient(clientId);
  }

  /** Delivers a message to every subscriber of its channel. */
  broadcast(message: BayeuxMessage): void {
    this.#requireProxy().publish(message);
  }

  // --- Engine: called by faye's proxy -------------------------------------------------------

  createClient(callback: (clientId: string) => void, context?: unknown): void {
    const proxy = this.#requireProxy();
    let clientId = proxy.generateId();
    while (this.#clients.has(clientId)) clientId = proxy.generateId();
    this.#clients.set(clientId, { channels: new Set(), queue: [] });
    this.ping(clientId);
    proxy.trigger('handshake', clientId);
    callback.call(context, clientId);
  }

  destroyClient(clientId: string, callback?: () => void, context?: unknown): void {
    const client = this.#clients.get(clientId);
    if (!client) return;
    for (const channel of [...client.channels]) this.unsubscribe(clientId, channel);
    clearTimeout(client.expiry);
    this.#clients.delete(clientId);
    this.#proxy?.trigger('disconnect', clientId);
    // faye's proxy answers the client's held long-poll on `close`.
    this.#proxy?.trigger('close', clientId);
    callback?.call(context);
  }

  clientExists(clientId: string, callback: (exists: boolean) => void, context?: unknown): void {
    callback.call(context, this.#clients.has(clientId));
  }

  /** Called at handshake and when a /meta/connect arrives: the client may now be held, then idle. */
  ping(clientId: string): void {
    this.#armExpiry(clientId, this.#options.maxHoldMs + this.#options.clientExpiryMs);
  }

  subscribe(clientId: string, channel: string, callback?: (ok: boolean) => void, context?: unknown): void {
    const client = this.#clients.get(clientId);
    if (!client) {
      callback?.call(context, false);
      return;
    }
    const isNew = !client.channels.has(channel);
    // Backlog first, in the same tick as the subscription: nothing live can come between.
    const backlog = this.#options.backlog?.(clientId, channel) ?? [];
    client.queue.push(...backlog.map((m) => structuredClone(m)));
    client.channels.add(channel);
    let subscribers = this.#subscribers.get(channel);
    if (!subscribers) this.#subscribers.set(channel, (subscribers = new Set()));
    subscribers.add(clientId);
    if (isNew) this.#proxy?.trigger('subscribe', clientId, channel);
    this.emptyQueue(clientId);
    callback?.call(context, true);
  }

  unsubscribe(clientId: string, channel: string, callback?: (ok: boolean) => void, context?: unknown): void {
    const wasSubscribed = this.#clients.get(clientId)?.channels.delete(channel) ?? false;
    const subscribers = this.#subscribers.get(channel);
    subscribers?.delete(clientId);
    if (subscribers?.size === 0) this.#subscribers.delete(channel);
    if (wasSubscribed) this.#proxy?.trigger('unsubscribe', clientId, channel);
    callback?.call(context, true);
  }

  publish(message: BayeuxMessage, channels: string[]): void {
    const recipients = new Set<string>();
    for (const channel of channels) {
      for (const clientId of this.#subscribers.get(channel) ?? []) recipients.add(clientId);
    }
    for (const clientId of recipients) {
      this.#clients.get(clientId)?.queue.push(structuredClone(message));
      this.emptyQueue(clientId);
    }
    this.#proxy?.trigger('publish', message.clientId, message.channel, message.data);
  }

  emptyQueue(clientId: string): void {
    const client = this.#clients.get(clientId);
    const proxy = this.#proxy;
    if (!client || !proxy || client.queue.length === 0 || !proxy.hasConnection(clientId)) return;
    const messages = client.queue;
    client.queue = [];
    proxy.deliver(clientId, messages);
  }

  disconnect(): void {
    for (const client of this.#clients.values()) clearTimeout(client.expiry);
    this.#clients.clear();
    this.#subscribers.clear();
  }

  // --- internals ------------------------------------------------------------------------------

  #armExpiry(clientId: string, afterMs: number): void {
    const client = this.#clients.get(clientId);
    if (!client) return;
    clearTimeout(client.expiry);
    client.expiry = setTimeout(() => this.destroyClient(clientId), afterMs);
    client.expiry.unref();
  }

  #requireProxy(): EngineProxy {
    if (!this.#proxy) throw new Error('The engine is not attached to a faye server yet');
    return this.#proxy;
  }
}
