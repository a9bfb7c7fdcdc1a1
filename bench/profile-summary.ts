/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`) as the functions with the most self time,
 * and the same time grouped by source file, then the longest busy stretches:
 * `tsx bench/profile-summary.ts FILE.cpuprofile [N] [STRETCHES]`.
 * Used to say where a benchmark figure's time goes before changing anything.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarize(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    const file =
      frame.url
        .replace(/^file:\/\//, '')
        .replace(/^.*node_modules\//, 'nm:')
        .replace(/^.*\/(src|dist)\//, '$1/') || '(native)';
    const key = `${frame.functionName || '(anonymous)'}  ${file}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const lines = [`total ${(total / 1e6).toFixed(2)} s sampled`, '', 'self time by function:'];
  for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${k}`);
  lines.push('', 'self time by file:');
  for (const [k, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${k}`);
  return lines.join('\n');
}

/**
 * The longest stretches of consecutive non-idle samples: what held the event loop without a
 * break (issue 13 §1 asks for none over ~50 ms), each with the functions that took most of it.
 * Times are wall time, so on a loaded machine they include time the process waited for a core.
 */
export function longestStretches(profile: Profile, top = 10): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frameOf = (id: number) => byId.get(id)!.callFrame;
  /** The innermost project frame (src/) on the sample's stack, else its own frame. */
  const label = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = frameOf(at);
      const m = /\/(src\/.*)$/.exec(f.url);
      if (m) return `${f.functionName || '(anonymous)'} ${m[1]}:${f.lineNumber + 1}`;
    }
    const f = frameOf(id);
    return f.functionName || '(native)';
  };
  const stretches: { us: number; parts: Map<string, number> }[] = [];
  let current: { us: number; parts: Map<string, number> } | undefined;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (frameOf(id).functionName === '(idle)') {
      if (current) stretches.push(current);
      current = undefined;
      return;
    }
    current ??= { us: 0, parts: new Map() };
    current.us += us;
    const key = label(id);
    current.parts.set(key, (current.parts.get(key) ?? 0) + us);
  });
  if (current) stretches.push(current);
  const lines = [`busy stretches: ${stretches.length}, over 50 ms: ${stretches.filter((s) => s.us > 50_000).length}`, 'longest:'];
  for (const s of stretches.sort((a, b) => b.us - a.us).slice(0, top)) {
    const parts = [...s.parts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([k, us]) => `${k} ${(us / 1000).toFixed(0)}`);
    lines.push(`  ${(s.us / 1000).toFixed(1).padStart(7)} ms  ${parts.join('; ')}`);
  }
  return lines.join('\n');
}

if (process.argv[2]) {
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Profile;
  console.log(summarize(profile, Number(process.argv[3] ?? 25)));
  console.log(`\n${longestStretches(profile, Number(process.argv[4] ?? 10))}`);
}
