/**
 * Draws the README's picture of the order-flow dashboard from the series a real Prometheus returned
 * for the dashboard's own queries during an e2e run: test/e2e/trace-chains.test.ts writes them to
 * dashboard-series.json in the run directory the suite prints first ("e2e logs and rendered
 * configs: DIR"). Grafana itself cannot be built here; the panels are laid out on the dashboard's
 * grid and drawn with uPlot, the plotting library of Grafana's time-series panel, in Debian's Chromium.
 *
 *   bash scripts/sso-install.sh   # Chromium, playwright-core and uPlot (sso/)
 *   npm run test:e2e -- trace-chains
 *   node_modules/.bin/ts-node --transpile-only scripts/dashboard-picture.ts DIR/dashboard-series.json docs/images/dashboard.png
 */
import { readFileSync } from "fs";
import { join, resolve } from "path";

interface PictureSeries {
    name: string;
    values: [number, string][];
}

interface PicturePanel {
    title: string;
    unit: string;
    gridPos: { x: number; y: number; w: number; h: number };
    thresholdMs?: number;
    series: PictureSeries[];
}

interface PictureInput {
    title: string;
    from: number;
    to: number;
    panels: PicturePanel[];
}

const [inputFile, outputFile] = process.argv.slice(2);
if (inputFile === undefined || outputFile === undefined) {
    process.stderr.write("usage: ts-node scripts/dashboard-picture.ts DASHBOARD-SERIES.json OUT.png\n");
    process.exit(64);
}

const sso = resolve(__dirname, "..", "sso", "node_modules");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { chromium } = require(join(sso, "playwright-core")) as typeof import("playwright-core");

const width = 1600;
const rowHeight = 42;

async function main(): Promise<void> {
    const input = JSON.parse(readFileSync(inputFile, "utf8")) as PictureInput;
    const height = Math.max(...input.panels.map((p) => (p.gridPos.y + p.gridPos.h) * rowHeight)) + 60;
    const browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu"],
    });
    try {
        const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
        await page.setContent(`<!doctype html><html><head><style>
            body { margin: 0; background: #111217; color: #ccccdc; font: 13px Inter, Helvetica, Arial, sans-serif; }
            h1 { font-size: 16px; font-weight: 500; margin: 0; padding: 14px 16px; }
            .panel { position: absolute; background: #181b1f; border: 1px solid #2c3235; border-radius: 2px; box-sizing: border-box; }
            .panel h2 { font-size: 13px; font-weight: 500; margin: 6px 8px; }
            .empty { color: #8e8e8e; margin: 40px auto; text-align: center; }
            .u-legend { font-size: 11px; color: #ccccdc; text-align: left; margin: 2px 8px; }
            .u-legend.u-inline tr { margin-right: 12px; }
            .u-legend .u-marker { width: 12px; height: 3px; margin-right: 4px; }
            .u-legend th, .u-legend .u-label { font-weight: 400; }
        </style></head><body><h1>${input.title}</h1><div id="grid" style="position:relative"></div></body></html>`);
        await page.addStyleTag({ path: join(sso, "uplot", "dist", "uPlot.min.css") });
        await page.addScriptTag({ path: join(sso, "uplot", "dist", "uPlot.iife.min.js") });
        await page.evaluate(draw, { input, width, rowHeight });
        await page.screenshot({ path: outputFile, fullPage: true });
    } finally {
        await browser.close();
    }
}

/** Runs in the page: one uPlot chart per panel, at the panel's place on Grafana's 24-column grid. */
function draw(args: { input: PictureInput; width: number; rowHeight: number }): void {
    const { input, width, rowHeight } = args;
    const colours = [
        "#73bf69",
        "#f2cc0c",
        "#8ab8ff",
        "#ff780a",
        "#f2495c",
        "#5794f2",
        "#b877d9",
        "#fade2a",
        "#c4162a",
        "#96d98d",
        "#ffb357",
        "#ca95e5",
    ];
    const grid = document.getElementById("grid") as HTMLElement;
    const column = (width - 16) / 24;
    const format = (unit: string, v: number | null): string => {
        if (v === null) return "";
        if (unit === "percentunit") return `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;
        if (unit === "ms") return v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
        if (unit === "ops") return `${v < 0.1 ? v.toFixed(3) : v < 1 ? v.toFixed(2) : v.toFixed(1)}/s`;
        return String(v);
    };
    for (const given of input.panels) {
        // Series without a single value (an operation that had no traffic in the window) are left
        // out of the picture: Grafana lists them in the legend, where they only crowd it.
        const panel = {
            ...given,
            series: given.series.filter((s) => s.values.some(([, v]) => Number.isFinite(Number(v)))),
        };
        const el = document.createElement("div");
        el.className = "panel";
        const box = {
            left: 8 + panel.gridPos.x * column,
            top: panel.gridPos.y * rowHeight,
            width: panel.gridPos.w * column - 6,
            height: panel.gridPos.h * rowHeight - 6,
        };
        Object.assign(el.style, {
            left: `${box.left}px`,
            top: `${box.top}px`,
            width: `${box.width}px`,
            height: `${box.height}px`,
        });
        el.innerHTML = `<h2>${panel.title}</h2>`;
        grid.appendChild(el);
        if (panel.series.length === 0) {
            el.insertAdjacentHTML("beforeend", `<div class="empty">No data</div>`);
            continue;
        }
        const times = [...new Set(panel.series.flatMap((s) => s.values.map(([t]) => t)))].sort((a, b) => a - b);
        const data = [
            times,
            ...panel.series.map((s) => {
                const byTime = new Map(s.values.map(([t, v]) => [t, Number(v)]));
                return times.map((t) =>
                    byTime.has(t) && Number.isFinite(byTime.get(t)) ? (byTime.get(t) as number) : null,
                );
            }),
        ];
        // Inline legend entries, about 36 characters wide each.
        const perLine = Math.max(1, Math.floor((box.width - 16) / 260));
        const legendRows = Math.ceil(panel.series.length / perLine);
        const uPlotCtor = (
            window as unknown as { uPlot: new (opts: object, data: unknown[], target: HTMLElement) => unknown }
        ).uPlot;
        new uPlotCtor(
            {
                width: box.width - 12,
                height: box.height - 40 - legendRows * 18,
                legend: { show: true, live: false },
                cursor: { show: false },
                scales: {
                    x: { time: true, range: [input.from, input.to] },
                    y: {
                        range: (_u: unknown, min: number, max: number): [number, number] => [
                            0,
                            Math.max(
                                max * 1.1,
                                panel.thresholdMs !== undefined ? panel.thresholdMs * 1.1 : 0,
                                min,
                                panel.unit === "percentunit" ? 0.05 : 0.01,
                            ),
                        ],
                    },
                },
                axes: [
                    { stroke: "#ccccdc", grid: { stroke: "#2c3235" }, ticks: { stroke: "#2c3235" } },
                    {
                        stroke: "#ccccdc",
                        grid: { stroke: "#2c3235" },
                        ticks: { stroke: "#2c3235" },
                        size: 60,
                        values: (_u: unknown, ticks: number[]) => ticks.map((t) => format(panel.unit, t)),
                    },
                ],
                series: [
                    {},
                    ...panel.series.map((s, i) => ({
                        label: s.name,
                        stroke: colours[i % colours.length],
                        width: 1.5,
                        spanGaps: false,
                        points: { show: true, size: 4 },
                        value: (_u: unknown, v: number | null) => format(panel.unit, v),
                    })),
                ],
                hooks:
                    panel.thresholdMs === undefined
                        ? {}
                        : {
                              draw: [
                                  (u: {
                                      ctx: CanvasRenderingContext2D;
                                      bbox: { left: number; width: number };
                                      valToPos: (v: number, scale: string, canvas: boolean) => number;
                                  }) => {
                                      const y = u.valToPos(panel.thresholdMs as number, "y", true);
                                      u.ctx.save();
                                      u.ctx.strokeStyle = "#f2495c";
                                      u.ctx.setLineDash([6, 4]);
                                      u.ctx.beginPath();
                                      u.ctx.moveTo(u.bbox.left, y);
                                      u.ctx.lineTo(u.bbox.left + u.bbox.width, y);
                                      u.ctx.stroke();
                                      u.ctx.restore();
                                  },
                              ],
                          },
            },
            data,
            el,
        );
    }
}

main().catch((err: unknown) => {
    process.stderr.write(`dashboard-picture: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
});
