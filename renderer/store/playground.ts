import type { ApiError, HistorySummary, JsonObject, ToolCallOutcome } from '../../shared/contract.ts';
import { call, CallError } from './call.ts';
import type { SliceContext } from './types.ts';

export type ArgumentsMode = 'form' | 'json';
export type PlaygroundTab = 'tools' | 'resources' | 'prompts' | 'notifications' | 'history';

/** The arguments being edited for one tool: the form's values and the raw JSON, kept in step. */
export interface Draft {
  values: JsonObject;
  raw: string;
  mode: ArgumentsMode;
  /** The raw JSON does not parse (or is not an object): the form keeps the last good values. */
  rawError: string | null;
  /** The person changed something (the schema's defaults do not count): only then does the form say what is missing. */
  touched?: boolean;
  /** This call's own deadline in seconds (the server's timeoutMs otherwise). */
  timeoutSeconds?: number;
}

/** The latest run of one tool. */
export interface Run {
  callId: string;
  startedAt: number;
  running: boolean;
  progress: { progress: number; total?: number; message?: string } | null;
  outcome: ToolCallOutcome | null;
  error: ApiError | null;
}

export interface PlaygroundSlice {
  tab: PlaygroundTab;
  selected: string | null;
  search: string;
  server: string;
  drafts: Record<string, Draft>;
  runs: Record<string, Run>;
  /** Calls are made as this Switchboard client (its profile, policy and limits apply); null: as the admin. */
  as: string | null;
  /** What `as` sees (tool names), to show only those. */
  asView: { tools: string[] } | null;
  setAs(client: string | null): Promise<void>;
  viewAs(client: string): Promise<{ tools: string[]; prompts: string[]; resources: string[] } | undefined>;
  setTab(tab: PlaygroundTab): void;
  select(tool: string | null): void;
  setSearch(search: string): void;
  setServer(server: string): void;
  draftOf(tool: string): Draft;
  /** `byPerson` false: the schema's defaults, filled in when the form opens. */
  setValues(tool: string, values: JsonObject, byPerson?: boolean): void;
  setRaw(tool: string, raw: string): void;
  setMode(tool: string, mode: ArgumentsMode): void;
  /** A deadline for this tool's calls from the playground; undefined: the server's own. */
  setTimeout(tool: string, seconds: number | undefined): void;
  run(tool: string): Promise<void>;
  cancel(tool: string): Promise<void>;
  onProgress(payload: { callId: string; progress: number; total?: number; message?: string }): void;
  /** Loads a call of the history into the form (to re-run or edit). */
  restore(entry: HistorySummary): void;
}

export const EMPTY_DRAFT: Draft = { values: {}, raw: '{}', mode: 'form', rawError: null };

let nextCall = 1;

export function createPlaygroundSlice({ api, get, patch }: SliceContext): PlaygroundSlice {
  const setDraft = (tool: string, change: (draft: Draft) => Draft) =>
    patch('playground', (playground) => ({ drafts: { ...playground.drafts, [tool]: change(playground.drafts[tool] ?? EMPTY_DRAFT) } }));
  const setRun = (tool: string, change: (run: Run | undefined) => Run) => patch('playground', (playground) => ({ runs: { ...playground.runs, [tool]: change(playground.runs[tool]) } }));

  return {
    tab: 'tools',
    selected: null,
    search: '',
    server: '',
    drafts: {},
    runs: {},
    as: null,
    asView: null,
    setAs: async (client) => {
      patch('playground', { as: client, asView: null });
      if (client === null) return;
      const view = await get().playground.viewAs(client);
      if (view && get().playground.as === client) patch('playground', { asView: view });
    },
    viewAs: (client) => get().app.attempt(`read what ${client} sees`, () => call(api, 'catalog.as', { client })),
    setTab: (tab) => patch('playground', { tab }),
    select: (selected) => patch('playground', { selected }),
    setSearch: (search) => patch('playground', { search }),
    setServer: (server) => patch('playground', { server }),
    draftOf: (tool) => get().playground.drafts[tool] ?? EMPTY_DRAFT,
    setValues: (tool, values, byPerson = true) => setDraft(tool, (draft) => ({ ...draft, values, raw: JSON.stringify(values, null, 2), rawError: null, touched: draft.touched === true || byPerson })),
    setRaw: (tool, raw) =>
      setDraft(tool, (draft) => {
        try {
          const parsed: unknown = raw.trim() === '' ? {} : JSON.parse(raw);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ...draft, raw, rawError: 'the arguments must be a JSON object' };
          return { ...draft, raw, values: parsed as JsonObject, rawError: null, touched: true };
        } catch (error) {
          return { ...draft, raw, rawError: error instanceof Error ? error.message : String(error) };
        }
      }),
    setTimeout: (tool, seconds) => setDraft(tool, (draft) => ({ ...draft, timeoutSeconds: seconds !== undefined && seconds > 0 ? seconds : undefined })),
    setMode: (tool, mode) =>
      setDraft(tool, (draft) => {
        // Back to the form from JSON that does not parse: keep the text, the form shows the last good values.
        if (mode === 'json' && draft.rawError === null) return { ...draft, mode, raw: JSON.stringify(draft.values, null, 2) };
        return { ...draft, mode };
      }),
    run: async (tool) => {
      const draft = get().playground.draftOf(tool);
      if (draft.mode === 'json' && draft.rawError) {
        get().app.toast('error', `The arguments are not valid JSON: ${draft.rawError}`);
        return;
      }
      if (get().playground.runs[tool]?.running) return;
      const callId = `call-${Date.now().toString(36)}-${nextCall++}`;
      setRun(tool, () => ({ callId, startedAt: Date.now(), running: true, progress: null, outcome: null, error: null }));
      try {
        const as = get().playground.as;
        const timeoutMs = draft.timeoutSeconds !== undefined ? Math.round(draft.timeoutSeconds * 1000) : undefined;
        const outcome = await call(api, 'tools.call', { callId, name: tool, arguments: draft.values, ...(as ? { as } : {}), ...(timeoutMs ? { timeoutMs } : {}) });
        setRun(tool, (run) => (run?.callId === callId ? { ...run, running: false, outcome } : run!));
      } catch (error) {
        const apiError: ApiError = error instanceof CallError ? error.error : { code: 'failed', message: String(error) };
        setRun(tool, (run) => (run?.callId === callId ? { ...run, running: false, error: apiError } : run!));
      }
    },
    cancel: async (tool) => {
      const run = get().playground.runs[tool];
      if (!run?.running) return;
      await get().app.attempt('cancel the call', () => call(api, 'tools.cancel', { callId: run.callId }));
    },
    onProgress: ({ callId, ...progress }) => {
      const runs = get().playground.runs;
      const tool = Object.keys(runs).find((name) => runs[name]!.callId === callId);
      if (tool) setRun(tool, (run) => ({ ...run!, progress }));
    },
    restore: (entry) => {
      setDraft(entry.tool, (draft) => ({ ...draft, values: entry.arguments, raw: JSON.stringify(entry.arguments, null, 2), rawError: null }));
      patch('playground', { selected: entry.tool, tab: 'tools' });
    },
  };
}
