import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../../electron/core/config/parse.ts';

const parse = (value: unknown) => parseConfig(typeof value === 'string' ? value : JSON.stringify(value), '/home/me/mcp.json');

function problemsOf(value: unknown): readonly string[] {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it("reads Claude Desktop's claude_desktop_config.json as it is", () => {
    const config = parse({
      mcpServers: {
        github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_TOKEN: 'x' } },
      },
      globalShortcut: 'Ctrl+Space',
    });
    const github = config.servers.get('github')!;
    expect(github).toMatchObject({ name: 'github', command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_TOKEN: 'x' } });
    expect(github.disabled).toBe(false);
    expect(github.replicas).toBe(1);
    expect(github.restart).toMatchObject({ maxRetries: 5 });
  });

  it('fills defaults for our optional fields and keeps the ones given', () => {
    const config = parse({ mcpServers: { a: { command: 'a', disabled: true, replicas: 3, restart: false, tools: { deny: ['rm'] } } } });
    expect(config.servers.get('a')).toMatchObject({ disabled: true, replicas: 3, restart: false, tools: { deny: ['rm'] }, args: [], env: {} });
  });

  it('names the file, the server and the field of a wrong value', () => {
    expect(problemsOf({ mcpServers: { github: { command: 'npx', args: '-y server-github' } } })).toEqual(['mcp.json: mcpServers.github.args: expected an array of strings']);
    expect(problemsOf({ mcpServers: { github: { command: 'npx', args: ['-y', 2] } } })).toEqual(['mcp.json: mcpServers.github.args[1]: expected args to hold only strings']);
    expect(problemsOf({ mcpServers: { slack: { command: 'npx', env: { PORT: 8080 } } } })).toEqual(['mcp.json: mcpServers.slack.env.PORT: expected a string value']);
  });

  it('reports every problem at once, one line each', () => {
    const problems = problemsOf({ mcpServers: { a: { args: [] }, b: { command: 'b', replicas: 'two' } } });
    expect(problems).toEqual(['mcp.json: mcpServers.a.command: needs a command (or a url for a remote server)', 'mcp.json: mcpServers.b.replicas: expected a number']);
  });

  it('refuses an entry that is not an object, and a top level that is not an object', () => {
    expect(problemsOf({ mcpServers: { a: 'npx server' } })).toEqual(['mcp.json: mcpServers.a: expected an object with a command (or a url)']);
    expect(problemsOf('[1, 2]')).toEqual(['mcp.json: expected a JSON object with an mcpServers object']);
  });

  it('says where a JSON syntax error is, in the words import uses', () => {
    const [problem] = problemsOf('{\n  "mcpServers": {\n    "a": { "command": "x" "args": [] }\n  }\n}');
    expect(problem).toBe('mcp.json: not valid JSON: a comma is missing at line 3 column 27');
  });

  it('reads comments and trailing commas, as import reads client files', () => {
    const document = parse('{\n  // my servers\n  "mcpServers": {\n    /* the notes */ "a": { "command": "x", },\n  },\n}');
    expect(document.servers.get('a')?.command).toBe('x');
  });

  it('treats an empty file as no servers', () => {
    expect(parse('').servers.size).toBe(0);
    expect(parse({}).servers.size).toBe(0);
  });

  it('accepts remote servers with a url, and refuses command and url together', () => {
    expect(parse({ mcpServers: { r: { url: 'https://example.com/mcp', headers: { Authorization: 'Bearer x' } } } }).servers.get('r')?.url).toBe('https://example.com/mcp');
    expect(problemsOf({ mcpServers: { r: { url: 'nope' } } })).toEqual(['mcp.json: mcpServers.r.url: expected an http(s) URL']);
    expect(problemsOf({ mcpServers: { r: { command: 'x', url: 'https://example.com' } } })).toEqual(['mcp.json: mcpServers.r.url: has both a command and a url: keep one']);
  });

  it('keeps fields it does not know, at every level', () => {
    const config = parse({ mcpServers: { a: { command: 'a', autoApprove: ['x'] } }, theme: 'dark' });
    expect(config.raw).toMatchObject({ theme: 'dark', mcpServers: { a: { autoApprove: ['x'] } } });
    expect((config.servers.get('a') as Record<string, unknown>).autoApprove).toEqual(['x']);
  });
});
