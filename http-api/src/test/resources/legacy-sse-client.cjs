// The official TypeScript SDK's SSEClientTransport (the 2024-11-05 HTTP+SSE transport) against
// an erlmcp listener. Usage: node legacy-sse-client.cjs SDK_DIR URL
// Prints one JSON line per step to stdout; exits non-zero on any failure.
'use strict';
const path = require('path');
const sdk = process.argv[2];
const url = process.argv[3];
const { Client } = require(path.join(sdk, 'dist/cjs/client/index.js'));
const { SSEClientTransport } = require(path.join(sdk, 'dist/cjs/client/sse.js'));
const { CreateMessageRequestSchema } = require(path.join(sdk, 'dist/cjs/types.js'));

function out(step, value) {
  process.stdout.write(JSON.stringify({ step, value }) + '\n');
}

(async () => {
  const client = new Client({ name: 'legacy-sse-interop', version: '1.0.0' },
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
  const transport = new SSEClientTransport(new URL(url));
  await client.connect(transport);
  out('version', client.getServerVersion());
  out('endpoint', transport._endpoint ? transport._endpoint.pathname + transport._endpoint.search : null);
  const tools = await client.listTools();
  out('tools', tools.tools.map((t) => t.name).sort());
  const echo = await client.callTool({ name: 'echo', arguments: { text: 'legacy hello' } });
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
  process.stderr.write('legacy SSE client failed: ' + (e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
