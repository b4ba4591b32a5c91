import type { Diagnosis, DiagnosisCheck } from '../../../shared/model.ts';
import type { ManagedServer } from './managed-server.ts';

/**
 * The connection doctor: why a server does (not) connect, step by step, as a person would check it: the command
 * found on PATH (or the URL), its folder, the handshake, a ping; and the exact command to run it by hand (secrets
 * hidden), with its last stderr lines.
 */
export async function diagnose(server: ManagedServer): Promise<Diagnosis> {
  const checks: DiagnosisCheck[] = [];
  const config = server.config;
  let reproduce: Diagnosis['reproduce'] = null;
  if (config.url !== undefined) {
    checks.push({ step: 'url', ok: true, detail: `reached over Streamable HTTP at ${server.remoteEndpoint?.href ?? config.url}` });
  } else {
    try {
      const plan = await server.launchPlan();
      checks.push({ step: 'command', ok: true, detail: `found: ${plan.file}` });
      checks.push({ step: 'folder', ok: true, detail: `runs in ${plan.cwd}` });
      reproduce = { cwd: plan.cwd, command: plan.commandLine };
    } catch (error) {
      const message = errorText(error);
      checks.push({ step: /cwd .* does not exist/.test(message) ? 'folder' : 'command', ok: false, detail: message });
    }
  }
  const status = server.status();
  if (status.state === 'ready') {
    checks.push({ step: 'handshake', ok: true, detail: `answered the MCP handshake (${status.tools} tools, ${status.resources} resources, ${status.prompts} prompts)` });
    try {
      checks.push({ step: 'ping', ok: true, detail: `answered a ping in ${(await server.ping()).toFixed(1)} ms` });
    } catch (error) {
      checks.push({ step: 'ping', ok: false, detail: `no answer to a ping: ${errorText(error)}` });
    }
  } else {
    checks.push({ step: 'handshake', ok: false, detail: status.lastError ?? `it is ${status.state}` });
  }
  return { server: server.name, state: status.state, checks, reproduce, stderr: [...server.recentStderr].slice(-10) };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
