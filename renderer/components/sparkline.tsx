import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Calls per slot as a small line (uPlot), newest on the right; `slotSeconds` apart. */
export function Sparkline({ series, slotSeconds, label, width = 160, height = 32 }: { series: readonly number[]; slotSeconds: number; label: string; width?: number; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!host.current) return;
    const now = Math.floor(Date.now() / 1000);
    const xs = series.map((_, index) => now - (series.length - 1 - index) * slotSeconds);
    const data: uPlot.AlignedData = [xs, [...series]];
    if (!plot.current) {
      // A canvas does not resolve CSS variables: the theme's accent is read here.
      const accent = getComputedStyle(host.current).getPropertyValue('--accent').trim() || '#2457d6';
      plot.current = new uPlot(
        {
          width,
          height,
          legend: { show: false },
          cursor: { show: false },
          select: { show: false, left: 0, top: 0, width: 0, height: 0 },
          axes: [{ show: false }, { show: false }],
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
          series: [{}, { stroke: accent, width: 1.5, fill: `${accent}22`, points: { show: false } }],
        },
        data,
        host.current,
      );
    } else {
      plot.current.setData(data);
    }
  }, [series, slotSeconds, width, height]);
  useEffect(
    () => () => {
      plot.current?.destroy();
      plot.current = null;
    },
    [],
  );
  return <div ref={host} className="sparkline" role="img" aria-label={label} />;
}
