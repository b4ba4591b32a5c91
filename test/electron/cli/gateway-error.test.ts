// What the bridge and `call` say when the gateway refuses them: Switchboard's own sentence where it has one (a client
// unknown or revoked), whether it came as an SDK error or as the JSON body of the first request's HTTP 401.
import { describe, expect, it } from 'vitest';
import { describeGatewayError, type GatewayTarget } from '../../../electron/cli/gateway-target.ts';

const target: GatewayTarget = { url: new URL('http://127.0.0.1:7780/mcp'), token: 'admin', dataDir: '/data', source: 'data dir' };
const unknown = 'Unauthorized: Switchboard has no client named "claude-desktop" (`switchboard clients add claude-desktop` makes one)';

describe('a refusal of the gateway', () => {
  it("is Switchboard's own sentence for an unknown client, also inside the JSON body of an HTTP 401", () => {
    const asBody = new Error(`Error POSTing to endpoint (HTTP 401): ${JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: unknown }, id: null })}`);
    for (const error of [new Error(unknown), asBody]) {
      const said = describeGatewayError(error, target, {});
      expect(said).toContain('Switchboard has no client named "claude-desktop"');
      expect(said).not.toContain('refused the token');
    }
  });

  it('points at the token for a token that is not this Switchboard\'s', () => {
    expect(describeGatewayError(new Error('Unauthorized: send the Switchboard token as "Authorization: Bearer <token>"'), target, {})).toContain('refused the token in /data/token');
  });
});
