// The official TypeScript SDK's client over SSEClientTransport (2024-11-05 HTTP+SSE) or
// WebSocketClientTransport against an erlmcp listener.
// Usage: node [--experimental-websocket] sdk-client.cjs sse|websocket SDK_DIR URL
// Prints one JSON line per step to stdout; exits non-zero on any failure.
'use strict';
const path = require('path');
const [kind, sdk, url] = process.argv.slice(2);
const { Client } = require(path.join(sdk, 'dist/cjs/client/index.js'));
const { CreateMessageRequestSchema } = require(path.join(sdk, 'dist/cjs/types.js'));

function out(step, value) {
  process.stdout.write(JSON.stringify({ step, value }) + '\n');
}

function transport() {
  if (kind === 'sse') {
    const { SSEClientTransport } = require(path.join(sdk, 'dist/cjs/client/sse.js'));
    return new SSEClientTransport(new URL(url));
  }
  const { WebSocketClientTransport } = require(path.join(sdk, 'dist/cjs/client/websocket.js'));
  return new WebSocketClientTransport(new URL(url));
}

(async () => {
  const client = new Client({ name: kind + '-interop', version: '1.0.0' },
    { capabilities: { sampling: {} } });
  client.setRequestHandler(CreateMessageRequestSchema, async (req) => ({
    role: 'assistant',
    model: 'node',
    content: { type: 'text', text: 'node says ' + req.params.messages[0].content.text },
  }));
  const logs = [];
  client.fallbackNotificationHandler = async (n) => {
    if (n.method === 'notifications/message') logs.push(n.params.data);
  };
  const t = transport();
  await client.connect(t);
  out('version', client.getServerVersion());
  if (t._endpoint) out('endpoint', t._endpoint.pathname + t._endpoint.search);
  const tools = await client.listTools();
  out('tools', tools.tools.map((x) => x.name).sort());
  const echo = await client.callTool({ name: 'echo', arguments: { text: kind + ' hello' } });
  out('echo', echo.content[0].text);
  const sample = await client.callTool({ name: 'sample', arguments: { prompt: 'ping' } });
  out('sample', sample.content[0].text);
  await client.setLoggingLevel('debug');
  const notify = await client.callTool({ name: 'notify', arguments: { count: 2 } });
  out('notify', notify.content[0].text);
  out('logs', logs);
  await client.close();
  out('closed', true);
})().catch((e) => {
  process.stderr.write(kind + ' client failed: ' + (e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
