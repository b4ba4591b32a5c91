// Reads a V8 .cpuprofile (node --cpu-prof) into self and inclusive time per function and per area
// (our code, each package, Node internals, GC), as shares of the busy (non-idle) time.
import path from 'node:path';

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

const filePath = (url) => (url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url);

/** Our built code wherever serve ran from (the checkout or the harness's snapshot of it): `dist/electron/...`. */
const ours = (file) => /\/(dist\/(?:electron|shared)\/.*)$/.exec(file)?.[1];

/** Which part of the stack a frame belongs to. */
export function areaOf(url, functionName) {
  if (SPECIAL.has(functionName)) return functionName;
  if (!url) return 'V8 builtins / native';
  const file = filePath(url);
  if (file.startsWith('node:')) return file.startsWith('node:internal/') ? `node:${file.split('/')[1]}` : file;
  const modules = file.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = file.slice(modules + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const own = ours(file);
  if (own) return `switchboard: ${own.split('/').slice(0, 3).join('/')}`;
  return file;
}

function frameLabel(frame) {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const file = filePath(frame.url);
  const short = file.includes('/node_modules/') ? file.slice(file.lastIndexOf('/node_modules/') + 14) : (ours(file) ?? path.basename(file));
  return `${name} (${short}:${frame.lineNumber + 1})`;
}

/** { busyMs, totalMs, topSelf, topInclusiveOurs, areas } from a parsed .cpuprofile. */
export function summarizeProfile(profile, { top = 25 } = {}) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfByNode = new Map();
  // timeDeltas[i + 1] is the time until the next sample: the time the stack of sample i was on the CPU.
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfByNode.set(profile.samples[i], (selfByNode.get(profile.samples[i]) ?? 0) + delta);
  }
  let totalUs = 0;
  let idleUs = 0;
  const self = new Map();
  const inclusive = new Map();
  const areas = new Map();
  for (const [id, us] of selfByNode) {
    const node = nodes.get(id);
    totalUs += us;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const label = frameLabel(node.callFrame);
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    const entry = self.get(label) ?? { label, area, us: 0 };
    entry.us += us;
    self.set(label, entry);
    areas.set(area, (areas.get(area) ?? 0) + us);
    // Inclusive: every distinct function on this sample's stack gets the time once.
    const seen = new Set();
    for (let walk = id; walk !== undefined; walk = parent.get(walk)) {
      const frame = nodes.get(walk).callFrame;
      const key = frameLabel(frame);
      if (seen.has(key) || SPECIAL.has(frame.functionName)) continue;
      seen.add(key);
      const incl = inclusive.get(key) ?? { label: key, area: areaOf(frame.url, frame.functionName), us: 0 };
      incl.us += us;
      inclusive.set(key, incl);
    }
  }
  const busyUs = totalUs - idleUs;
  const share = (us) => Math.round((us / busyUs) * 1000) / 10;
  const rows = (map, filter = () => true) =>
    [...map.values()]
      .filter(filter)
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ function: e.label, area: e.area, ms: Math.round(e.us / 1000), pct: share(e.us) }));
  return {
    totalMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    topSelf: rows(self),
    topInclusiveOurs: rows(inclusive, (e) => e.area.startsWith('switchboard')),
    areas: [...areas.entries()].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, ms: Math.round(us / 1000), pct: share(us) })),
  };
}
