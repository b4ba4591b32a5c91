import { closest } from '../core/base/suggest.ts';
/** Thrown for a wrong command line: printed as one line plus a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const DEFAULT_PORT = 7780;

export const USAGE = `Usage: switchboard <command> [options]

Commands:
  serve     Run Switchboard headless: supervise the servers of the config and serve them on one endpoint
              --config FILE     the mcp.json to use (default: mcp.json in the data dir)
              --data-dir DIR    where the store, token and default config live
              --host HOST       interface to bind (default 127.0.0.1)
              --port N          port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
              --no-ui           do not serve the web UI
              --max-body-mb N   largest request body /mcp accepts (default 4)
              --log-format F    text (default) or json: every log line as one JSON object on stderr, with trace_id
              OTEL_EXPORTER_OTLP_ENDPOINT=URL  export traces over OTLP/HTTP (off by default)
  status    One line per server of a running Switchboard; exit 1 when an enabled server is not ready
              --url URL         the running Switchboard (default: the one recorded in the data dir)
              --data-dir DIR
              --json            print the health report as JSON
  connect   A stdio MCP server that relays to the running Switchboard (what Claude Desktop launches)
              --url URL | --data-dir DIR   where Switchboard is (default: the data dir's record)
              --wait-seconds N  how long to wait for Switchboard to start (default 60)
  call      Call one tool through the running Switchboard: switchboard call SERVER__TOOL --args '{"k":"v"}'
              --json            print the whole result as JSON
  export    A client's MCP config on stdout: --client claude-desktop|cursor|vscode|claude-code|windsurf [--mode gateway|direct] [--url URL] [--config FILE] [--install [--file PATH]]
  import    Add the servers of a client's MCP config file to ours: switchboard import FILE [--config FILE] [--overwrite] [--keep-secrets]
  secrets   The values \${secret:NAME} stands for in mcp.json, in the OS keychain: set NAME (value on stdin) | list | delete NAME
  clients   The endpoint's clients, each with its own token and profile: add NAME | list | rotate NAME | revoke NAME | remove NAME | set NAME
            profile options: --servers a,b --tools 'glob,...' --prompts/--resources 'glob,...' --allow/--ask/--deny 'glob,...'
            --ask-via window|client --ask-timeout S --per-minute N --per-day N --in-flight N [--json]
  audit     Every call and every decision: [--since 1h|DATE] [--client NAME] [--decision allowed|approved|denied|limited] [--limit N] [--json (JSONL)]

Every command accepts --data-dir; the default is the platform's app data folder
(SWITCHBOARD_DATA_DIR overrides it).`;

/** The options `switchboard COMMAND` takes, as the usage lists them (for "did you mean"). */
export function optionsOf(command: string): string[] {
  const lines = USAGE.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^  ${command}\\s`).test(line));
  if (start < 0) return [];
  const options = new Set<string>();
  for (const line of lines.slice(start, lines.findIndex((each, index) => index > start && /^ {2}\S/.test(each)) >>> 0)) {
    for (const match of line.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)) options.add(match[0]);
  }
  return [...options];
}

/** Node's parseArgs messages, said as a person would, with the option meant when one is close. */
export function describeArgsError(error: Error & { code: string }, options: readonly string[]): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const option = quoted ?? '';
      const meant = closest(option, options);
      return `unknown option ${option}${meant ? ` (did you mean ${meant}?)` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = /--?[\w-]+/.exec(error.message)?.[0] ?? 'an option';
      return /does not take an argument/.test(error.message) ? `${option} takes no value` : `${option} needs a value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted ?? ''}" (this command takes options only)`;
    default:
      return error.message;
  }
}
