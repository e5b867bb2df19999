/**
 * Baseline 1: a plain socket.io server doing `io.emit`, as the original chat server did — default
 * options, no authentication, no rooms. Run by the benchmark in a process of its own
 * (`child_process.fork`); publishes when the client asks over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { announceReady, baselineEvent, servePublishRequests } from './ipc.js';

const httpServer = createServer();
const io = new Server(httpServer);
servePublishRequests((seq) => {
  io.emit('chat:event', baselineEvent(seq));
});
httpServer.listen(0, '127.0.0.1', () => announceReady({ ready: 'server', port: (httpServer.address() as AddressInfo).port }));
