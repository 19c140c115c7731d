// ws_echo: the peer for bench/compare. Node's `ws` server answering each binary msgpack map
// {rid, ...} with {rid, ok: true, data: {}}, the same contract as lws_echo.c and club-edge,
// written the way a Node service would be: one process, one event loop, decode and encode
// with @msgpack/msgpack.
//
//   node ws_echo.js [--host 127.0.0.1] [--port 0]   prints "listening PORT" when ready.
'use strict';

const { WebSocketServer } = require('ws');
const { Encoder, Decoder } = require('@msgpack/msgpack');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log('usage: node ws_echo.js [--host ADDR] [--port PORT]');
  process.exit(0);
}

const host = arg('--host', '127.0.0.1');
const port = Number(arg('--port', '0'));
const encoder = new Encoder();
const decoder = new Decoder();
let answered = 0;
let bad = 0;

function badRequest(message) {
  bad++;
  return encoder.encode({ rid: 0, ok: false, error: { code: 'BAD_REQUEST', message } });
}

const wss = new WebSocketServer({
  host,
  port,
  maxPayload: 64 * 1024, // the protocol's limit (ws closes with 1009 above it)
  perMessageDeflate: false,
  clientTracking: false,
  // Answer club.v1 when the client names it, as the edge does.
  handleProtocols: (protocols) => (protocols.has('club.v1') ? 'club.v1' : false),
});

wss.on('connection', (ws) => {
  ws.on('error', () => {});
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      ws.send(badRequest('text frames are not accepted'));
      return;
    }
    let req;
    try {
      req = decoder.decode(data);
    } catch {
      ws.send(badRequest('not msgpack'));
      return;
    }
    if (req === null || typeof req !== 'object' || Array.isArray(req)) {
      ws.send(badRequest('not a msgpack map'));
      return;
    }
    answered++;
    ws.send(encoder.encode({ rid: req.rid ?? 0, ok: true, data: {} }));
  });
});

wss.on('listening', () => {
  process.stdout.write(`listening ${wss.address().port}\n`);
});

function stop() {
  process.stderr.write(`ws_echo: answered ${answered} requests, ${bad} bad\n`);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
