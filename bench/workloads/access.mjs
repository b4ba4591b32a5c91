// What access control costs a call: tools/call of server-everything's `echo` through one Switchboard, as the admin
// (no profile) and as a client with its own token whose every step is on (a profile that names servers and tools,
// a rate limit it never reaches, the policy that allows an unannotated tool, the audit row), one at a time and 32 in
// flight, with the HTTP floor beside them. Paths alternate within each run, as in calls.mjs.
import { execFileSync } from 'node:child_process';
import { leanClient } from '../lib/clients.mjs';
import { measureAlternating, openAll } from '../lib/alternate.mjs';
import { servers, startHttpFloor, startSwitchboard, switchboardBin } from '../lib/paths.mjs';

export async function accessWorkload(ctx) {
  ctx.log('access: starting Switchboard and the floor');
  const sb = await startSwitchboard({ everything: servers.everything() }, { label: 'switchboard-access' });
  const floor = await startHttpFloor();
  const made = execFileSync(
    process.execPath,
    [switchboardBin(), 'clients', 'add', 'bench', '--data-dir', sb.dataDir, '--servers', 'every*', '--tools', 'everything__*', '--per-minute', '100000000', '--json'],
    { encoding: 'utf8' },
  );
  const { token } = JSON.parse(made);
  const paths = [
    { name: 'switchboard, admin', target: sb.target, tool: 'everything__echo' },
    { name: 'switchboard, client (profile, limit, policy, audit)', target: { ...sb.target, headers: { authorization: `Bearer ${token}` } }, tool: 'everything__echo' },
    { name: 'http floor', target: floor.target, tool: 'echo' },
  ];
  const clients = [];
  try {
    await openAll(leanClient, paths, clients);
    await measureAlternating(ctx, clients, { label: 'access', concurrencies: [1, 32], args: { message: 'hello' }, workload: (c) => (c === 1 ? 'access control, one at a time' : `access control, ${c} in flight`) });
  } finally {
    await Promise.all(clients.map(({ client }) => client.close()));
    await sb.stop();
    await floor.stop();
  }
}
