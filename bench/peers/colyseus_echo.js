// colyseus_echo: a Colyseus room doing the same echo as ws_echo.js, for bench/compare.
//
// The room answers every message with {rid, ok: true, data: {}}. bench/compare points
// club-bench at it as it is, a plain WebSocket client speaking bare msgpack maps, to see
// whether Colyseus accepts that client. It does not: Colyseus admits a WebSocket only into a
// room seat reserved beforehand over HTTP (POST /matchmake/..., then
// ws://HOST/PROCESS_ID/ROOM_ID?sessionId=...), and inside a room every message starts with a
// one-byte protocol code (ROOM_DATA = 13) and a message type before the msgpack body. A
// connection without a reservation gets an ERROR frame ("seat reservation expired") and
// close code 4002 (Colyseus 0.16; 0.17 answers with one-byte PING frames and closes after
// 1 s). bench/compare then prints the row as "n/a" with what the probe saw, rather than
// measure a different protocol. 0.16 is pinned because 0.17+ needs Node 22.
//
//   node colyseus_echo.js [--host 127.0.0.1] [--port 0]   prints "listening PORT" when ready.
'use strict';

const net = require('net');
const { Server, Room } = require('@colyseus/core');
const { WebSocketTransport } = require('@colyseus/ws-transport');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

class EchoRoom extends Room {
  onCreate() {
    this.maxClients = 100000;
    this.maxMessagesPerSecond = 1e9;
    this.onMessage('*', (client, type, message) => {
      const rid = message && typeof message === 'object' ? message.rid ?? 0 : 0;
      client.send(type, { rid, ok: true, data: {} });
    });
  }
}

// Colyseus's listen() wants a port: take a free one when given 0.
function freePort(host) {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, host, () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function main() {
  const host = arg('--host', '127.0.0.1');
  let port = Number(arg('--port', '0'));
  if (!port) port = await freePort(host);
  const server = new Server({
    transport: new WebSocketTransport({ maxPayload: 64 * 1024 }),
    gracefullyShutdown: false,
    greet: false,
  });
  server.define('echo', EchoRoom);
  await server.listen(port, host);
  process.stdout.write(`listening ${port}\n`);
}

process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
main().catch((e) => {
  process.stderr.write(`colyseus_echo: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
