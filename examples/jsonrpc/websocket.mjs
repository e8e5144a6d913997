// JSON-RPC over the WebSocket at /rpc with the `ws` package (Node 20 has no
// global WebSocket): log in on the socket, ask for Alice's orders, print
// them and close — the script ends by itself.
//   node examples/jsonrpc/websocket.mjs
// Settings: POLYFACE_URL (default http://127.0.0.1:3000), DEMO_PASSWORD (default demo-password).
import WebSocket from 'ws';

const base = process.env.POLYFACE_URL ?? 'http://127.0.0.1:3000';
const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/rpc`);
const send = (msg) => ws.send(JSON.stringify({ jsonrpc: '2.0', ...msg }));
// Give up rather than hang if the gateway never answers.
const timer = setTimeout(() => {
  console.error('no answer in 10 s');
  ws.terminate();
  process.exitCode = 1;
}, 10_000);

ws.on('open', () => send({ method: 'login', params: { username: 'alice@example.com', password: process.env.DEMO_PASSWORD ?? 'demo-password' }, id: 1 }));
ws.on('message', (data) => {
  const answer = JSON.parse(data.toString());
  if (answer.error) {
    console.error(answer.error);
    process.exitCode = 1;
    return ws.close();
  }
  // Logged in: the socket now acts as Alice.
  if (answer.id === 1) return send({ method: 'listUserOrders', params: { userId: 1 }, id: 2 });
  console.log(`Alice has ${answer.result.total} orders:`, answer.result.items.map((o) => `#${o.id} ${o.totalAmount}`).join(', '));
  ws.close();
});
ws.on('close', () => clearTimeout(timer));
ws.on('error', (err) => {
  console.error(err.message);
  process.exitCode = 1;
});
