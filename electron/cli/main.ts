import { auditCommand } from './audit.ts';
import { call } from './call.ts';
import { clients } from './clients.ts';
import { connect } from './connect.ts';
import { exportCommand } from './export.ts';
import { importCommand } from './import.ts';
import { secrets } from './secrets.ts';
import { serve } from './serve.ts';
import { status } from './status.ts';
import { describeArgsError, optionsOf, USAGE, UsageError } from './usage.ts';

const commands: Record<string, (argv: string[]) => Promise<number>> = { serve, status, connect, call, export: exportCommand, import: importCommand, secrets, clients, audit: auditCommand };

/** The `switchboard` command. Errors a person can fix are one line, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { appVersion } = await import('../core/paths.ts');
    process.stdout.write(`${appVersion()}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`switchboard: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      const message = error instanceof UsageError ? error.message : describeArgsError(error as TypeError & { code: string }, optionsOf(name));
      process.stderr.write(`switchboard ${name}: ${message}\nRun \`switchboard --help\` for the options.\n`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`switchboard: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
