// Balance and equity over time with uPlot (served from node_modules, no build step).
import uPlot from '/console/vendor/uPlot.esm.js';

const money = (value) => (value == null ? '—' : value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));

/**
 * A chart in `container`; `onPick(time)` is called with the time (ms) of a clicked moment.
 * `set(points)` replaces the series (`{time, balance, equity}` with ISO times), `append(point)`
 * adds a live point.
 */
export function createEquityChart(container, onPick) {
  container.textContent = '';
  let xs = [];
  let balances = [];
  let equities = [];

  const width = () => Math.max(320, container.clientWidth - 8);
  const plot = new uPlot(
    {
      width: width(),
      height: 300,
      scales: { x: { time: true } },
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      series: [
        {},
        { label: 'Balance', stroke: '#2563eb', width: 2, paths: uPlot.paths.stepped({ align: 1 }), value: (_, v) => money(v) },
        // Equity is known at each event and each live summary; in between it is drawn flat, not guessed.
        { label: 'Equity', stroke: '#0f9d58', width: 1.5, fill: 'rgba(15,157,88,0.08)', paths: uPlot.paths.stepped({ align: 1 }), value: (_, v) => money(v) },
      ],
      axes: [{}, { values: (_, ticks) => ticks.map((t) => t.toLocaleString('en-US')), size: 70 }],
    },
    [xs, balances, equities],
    container,
  );

  plot.over.addEventListener('click', () => {
    const left = plot.cursor.left;
    if (left == null || left < 0) return;
    const seconds = plot.posToVal(left, 'x');
    if (Number.isFinite(seconds)) onPick(Math.round(seconds * 1000));
  });

  const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 300 }));
  resize.observe(container);

  const redraw = () => plot.setData([xs, balances, equities]);

  return {
    set(all) {
      // An account is opened empty and funded by the next event: the empty start would flatten the chart.
      const points = all.length > 1 && all[0].balance === 0 && all[0].equity === 0 ? all.slice(1) : all;
      xs = points.map((p) => Date.parse(p.time) / 1000);
      balances = points.map((p) => p.balance);
      equities = points.map((p) => p.equity);
      // One point only would draw nothing: repeat it one second later.
      if (xs.length === 1) {
        xs.push(xs[0] + 1);
        balances.push(balances[0]);
        equities.push(equities[0]);
      }
      redraw();
    },
    append(point) {
      const x = Date.parse(point.time) / 1000;
      if (xs.length > 0 && x <= xs[xs.length - 1]) {
        balances[balances.length - 1] = point.balance;
        equities[equities.length - 1] = point.equity;
      } else {
        xs.push(x);
        balances.push(point.balance);
        equities.push(point.equity);
      }
      redraw();
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
