import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport, type CallToolResult } from '@modelcontextprotocol/client';
import { appVersion } from '../core/paths.ts';
import { describeGatewayError, isRefusedToken, resolveGatewayTarget } from './gateway-target.ts';
import { UsageError } from './usage.ts';

/**
 * `switchboard call SERVER__TOOL --args JSON`: calls one tool through the running gateway, the way any client
 * would, and prints its text (or the whole result with --json). Exit 1 when the tool reports an error,
 * 2 when Switchboard cannot be reached or the tool does not exist.
 */
export async function call(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { args: { type: 'string', default: '{}' }, url: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const [tool] = positionals;
  if (!tool || positionals.length > 1) throw new UsageError('give exactly one tool, as SERVER__TOOL (see `switchboard call --help`)');
  let args: unknown;
  try {
    args = JSON.parse(values.args);
  } catch (error) {
    throw new UsageError(`--args is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new UsageError('--args must be a JSON object, like --args \'{"message":"hi"}\'');

  const target = resolveGatewayTarget(values);
  const client = new Client({ name: 'switchboard-call', version: appVersion() });
  const transport = new StreamableHTTPClientTransport(target.url, { requestInit: { headers: target.token ? { Authorization: `Bearer ${target.token}` } : {} } });
  try {
    await client.connect(transport);
  } catch (error) {
    const text = describeGatewayError(error, target);
    process.stderr.write(isRefusedToken(error) ? `${text}\n` : `cannot reach Switchboard at ${target.url.href}: ${text}\n`);
    return 2;
  }
  try {
    // A raw request: print what the server said, even a result that breaks the tool's own output schema.
    const result = (await client.request({ method: 'tools/call', params: { name: tool, arguments: args as Record<string, unknown> } })) as CallToolResult;
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
    return result.isError ? 1 : 0;
  } catch (error) {
    process.stderr.write(`${tool}: ${describeGatewayError(error, target)}\n`);
    return 2;
  } finally {
    await transport.terminateSession().catch(() => undefined);
    await client.close();
  }
}

/** Text content as it is, other content as a one-line summary, structured content as JSON. */
export function formatResult(result: CallToolResult): string {
  const lines = (result.content ?? []).map((item) => {
    switch (item.type) {
      case 'text':
        return item.text;
      case 'image':
      case 'audio':
        return `[${item.type} ${item.mimeType}, ${Buffer.from(item.data, 'base64').length} bytes]`;
      case 'resource_link':
        return `[resource link ${item.uri}]`;
      case 'resource':
        return 'text' in item.resource ? item.resource.text : `[resource ${item.resource.uri}]`;
      default:
        return JSON.stringify(item);
    }
  });
  if (lines.length === 0 && result.structuredContent !== undefined) lines.push(JSON.stringify(result.structuredContent, null, 2));
  return `${lines.join('\n')}\n`;
}
