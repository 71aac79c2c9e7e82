import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

interface Props {
  title: string;
  /** Seconds since the epoch for each point. */
  x: number[];
  y: (number | null)[];
  format: (value: number) => string;
  summary: string;
}

/** One DORA metric over time. The chart is a picture; `summary` says the same in words for screen readers. */
export function TrendChart({ title, x, y, format, summary }: Props) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(
      {
        width: Math.max(240, el.clientWidth),
        height: 170,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(max ?? 1, 1e-9) * 1.15] } },
        axes: [
          { stroke: "#475569", grid: { stroke: "#e2e8f0" }, ticks: { stroke: "#cbd5e1" } },
          { stroke: "#475569", grid: { stroke: "#e2e8f0" }, ticks: { stroke: "#cbd5e1" }, size: 64, values: (_u, values) => values.map((v) => format(v)) },
        ],
        series: [{}, { label: title, stroke: "#2563eb", fill: "rgba(37, 99, 235, 0.08)", width: 2, spanGaps: true, points: { size: 5 } }],
      },
      [x, y],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height: 170 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, y, title, format]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: ${summary}`} />
    </figure>
  );
}
