// The official TypeScript SDK's WebSocketClientTransport against erlmcp's /ws endpoint.
// Usage: node [--experimental-websocket] websocket-client.cjs SDK_DIR URL
// Prints one JSON line per step to stdout; exits non-zero on any failure.
'use strict';
const path = require('path');
const sdk = process.argv[2];
const url = process.argv[3];
const { Client } = require(path.join(sdk, 'dist/cjs/client/index.js'));
const { WebSocketClientTransport } = require(path.join(sdk, 'dist/cjs/client/websocket.js'));
const { CreateMessageRequestSchema } = require(path.join(sdk, 'dist/cjs/types.js'));

function out(step, value) {
  process.stdout.write(JSON.stringify({ step, value }) + '\n');
}

(async () => {
  const client = new Client({ name: 'websocket-interop', version: '1.0.0' },
    { capabilities: { sampling: {} } });
  client.setRequestHandler(CreateMessageRequestSchema, async (req) => ({
    role: 'assistant',
    model: 'node',
    content: { type: 'text', text: 'ws says ' + req.params.messages[0].content.text },
  }));
  await client.connect(new WebSocketClientTransport(new URL(url)));
  out('version', client.getServerVersion());
  const tools = await client.listTools();
  out('tools', tools.tools.map((t) => t.name).sort());
  const echo = await client.callTool({ name: 'echo', arguments: { text: 'ws hello' } });
  out('echo', echo.content[0].text);
  const sample = await client.callTool({ name: 'sample', arguments: { prompt: 'ping' } });
  out('sample', sample.content[0].text);
  await client.close();
  out('closed', true);
})().catch((e) => {
  process.stderr.write('websocket client failed: ' + (e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
