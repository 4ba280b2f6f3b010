/**
 * A small metrics registry that renders the Prometheus text exposition format (version 0.0.4):
 * counters, histograms and gauges read at scrape time, each with a fixed set of label names.
 * It uses no runtime API at all, so the app keeps running on Node and Workers alike
 * (`prom-client` needs Node's `process`, `perf_hooks` and `cluster`).
 *
 * @example
 * ```ts
 * const registry = createRegistry();
 * const minted = registry.counter("tokenmint_tokens_minted_total", "Tokens minted.", ["reason"]);
 * minted.inc({ reason: "mint" });
 * const text = await registry.render();
 * ```
 * @module
 */

/** Label values, keyed by label name. */
export type Labels = Readonly<Record<string, string>>;

/** A monotonically increasing count. */
export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

/** A distribution of observed values in cumulative buckets. */
export interface Histogram {
  observe(labels: Labels, value: number): void;
}

/** One sample of a gauge, read at scrape time. */
export interface GaugeSample {
  readonly labels: Labels;
  readonly value: number;
}

/** The registry. */
export interface Registry {
  counter(name: string, help: string, labelNames?: readonly string[]): Counter;
  histogram(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ): Histogram;
  /** A gauge whose samples `collect` returns at every scrape. */
  gauge(name: string, help: string, collect: () => Promise<readonly GaugeSample[]>): void;
  /** The text exposition of every metric. */
  render(): Promise<string>;
}

/** The media type of the text exposition format. */
export const PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatLabels(labels: Labels, extra?: readonly [string, string]): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** Orders labels by the declared names (one series per distinct combination). */
function keyOf(labelNames: readonly string[], labels: Labels): [string, Labels] {
  const ordered: Record<string, string> = {};
  for (const name of labelNames) ordered[name] = labels[name] ?? "";
  return [JSON.stringify(ordered), ordered];
}

interface Family {
  render(): Promise<string[]>;
}

/** Creates an empty registry. */
export function createRegistry(): Registry {
  const families = new Map<string, Family>();
  const add = (name: string, family: Family) => {
    if (!NAME.test(name)) throw new Error(`Invalid metric name ${name}`);
    if (families.has(name)) throw new Error(`Metric ${name} is registered twice`);
    families.set(name, family);
  };

  return {
    counter(name, help, labelNames = []) {
      const series = new Map<string, { labels: Labels; value: number }>();
      add(name, {
        async render() {
          const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} counter`];
          for (const { labels, value } of series.values()) {
            lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
          }
          return lines;
        },
      });
      return {
        inc(labels = {}, by = 1) {
          const [key, ordered] = keyOf(labelNames, labels);
          const entry = series.get(key) ?? { labels: ordered, value: 0 };
          entry.value += by;
          series.set(key, entry);
        },
      };
    },

    histogram(name, help, labelNames, buckets) {
      const bounds = [...buckets].sort((a, b) => a - b);
      const series = new Map<string, { labels: Labels; counts: number[]; sum: number }>();
      add(name, {
        async render() {
          const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
          for (const { labels, counts, sum } of series.values()) {
            let cumulative = 0;
            bounds.forEach((bound, index) => {
              cumulative += counts[index] ?? 0;
              lines.push(
                `${name}_bucket${formatLabels(labels, ["le", formatValue(bound)])} ${cumulative}`,
              );
            });
            const total = cumulative + (counts[bounds.length] ?? 0);
            lines.push(`${name}_bucket${formatLabels(labels, ["le", "+Inf"])} ${total}`);
            lines.push(`${name}_sum${formatLabels(labels)} ${formatValue(sum)}`);
            lines.push(`${name}_count${formatLabels(labels)} ${total}`);
          }
          return lines;
        },
      });
      return {
        observe(labels, value) {
          const [key, ordered] = keyOf(labelNames, labels);
          const entry = series.get(key) ?? {
            labels: ordered,
            counts: new Array<number>(bounds.length + 1).fill(0),
            sum: 0,
          };
          const index = bounds.findIndex((bound) => value <= bound);
          const slot = index === -1 ? bounds.length : index;
          entry.counts[slot] = (entry.counts[slot] ?? 0) + 1;
          entry.sum += value;
          series.set(key, entry);
        },
      };
    },

    gauge(name, help, collect) {
      add(name, {
        async render() {
          const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
          for (const { labels, value } of await collect()) {
            lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
          }
          return lines;
        },
      });
    },

    async render() {
      const blocks = await Promise.all([...families.values()].map((family) => family.render()));
      return `${blocks.flat().join("\n")}\n`;
    },
  };
}
