import path from 'node:path';
import { parseArgs } from 'node:util';
import { AUDIT_DECISIONS, type AuditDecision, type AuditEntry } from '../../shared/access.ts';
import { defaultDataDir } from '../core/paths.ts';
import { openAccessStore } from '../core/store/index.ts';
import { UsageError } from './usage.ts';

/**
 * `switchboard audit [--since 1h|2026-12-01] [--client NAME] [--decision denied] [--limit N] [--json]`: the audit
 * trail, newest first; `--json` writes one JSON object a line (JSONL, oldest first), for export.
 */
export async function auditCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      since: { type: 'string' },
      client: { type: 'string' },
      decision: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const decision = values.decision;
  if (decision !== undefined && !(AUDIT_DECISIONS as readonly string[]).includes(decision)) throw new UsageError(`--decision is one of ${AUDIT_DECISIONS.join(', ')}`);
  const limit = values.limit === undefined ? (values.json ? 10_000 : 100) : Number(values.limit);
  if (!Number.isInteger(limit) || limit <= 0 || limit > 10_000) throw new UsageError('--limit is a whole number from 1 to 10000');
  const store = openAccessStore(dataDir);
  try {
    const entries = store.audit.query({
      ...(values.since !== undefined ? { since: parseSince(values.since) } : {}),
      ...(values.client !== undefined ? { client: values.client } : {}),
      ...(decision !== undefined ? { decision: decision as AuditDecision } : {}),
      limit,
    });
    if (values.json) {
      for (const entry of entries.reverse()) process.stdout.write(`${JSON.stringify(entry)}\n`);
    } else if (entries.length === 0) {
      process.stdout.write('no calls in the audit trail for that\n');
    } else {
      process.stdout.write(`${entries.map(formatEntry).join('\n')}\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}

/** `30m`, `2h`, `7d`, or a date the Date parser reads. */
export function parseSince(value: string, now = Date.now()): number {
  const relative = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (relative) return now - Number(relative[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd'];
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new UsageError(`--since is a duration (30m, 2h, 7d) or a date, not "${value}"`);
  return time;
}

function formatEntry(entry: AuditEntry): string {
  const by = entry.decision === 'allowed' && (entry.decidedBy === 'policy' || entry.decidedBy === 'admin') ? '' : ` by ${entry.decidedBy}`;
  const outcome = entry.outcome ? ` → ${entry.outcome}` : '';
  const detail = entry.detail && entry.decision !== 'allowed' ? `: ${entry.detail}` : '';
  return `${new Date(entry.time).toISOString()}  ${entry.client}  ${entry.method} ${entry.target ?? ''}${entry.server ? ` (${entry.server})` : ''}  ${entry.decision}${by}${outcome}  ${Math.round(entry.durationMs)} ms${detail}`;
}
