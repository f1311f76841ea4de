/**
 * Runs the benchmarks: `node dist/bench/index.js [section ...] [--markdown <file>]`.
 *
 * Every section is listed in SECTIONS below; to add one, write a module exporting a
 * `BenchSection` and add it there. With section names, only those run. Results are printed;
 * nothing is written unless `--markdown <file>` asks for a Markdown copy of the tables.
 */
import { writeFileSync } from 'node:fs';
import { quietSqliteExperimentalWarning } from '../src/quiet-sqlite-warning';
import { arch, cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { BenchResult, BenchSection } from './bench-section';
import { qualityBench } from './quality-bench';
import { webhookBench } from './webhook-bench';
import { drainBench } from './drain-bench';
import { historyBench } from './history-bench';
import { memoryBench } from './memory-bench';
import { formatFigure } from './timing';

/** Every benchmark section, in the order they run. */
export const SECTIONS: readonly BenchSection[] = [qualityBench, webhookBench, drainBench, historyBench, memoryBench];

/** The results of one section as a table of text cells: a header row, then one row per case. */
function tableOf(results: readonly BenchResult[]): string[][] {
  const columns = [...new Set(results.flatMap((result) => Object.keys(result.figures)))];
  const header = ['case', ...columns, 'targets'];
  const rows = results.map((result) => [
    result.case,
    ...columns.map((column) => (column in result.figures ? formatFigure(result.figures[column]!) : '')),
    (result.targets ?? []).map((target) => `${target.met ? 'met' : 'MISSED'}: ${target.description}`).join('; ') || '-',
  ]);
  return [header, ...rows];
}

function plainTable(table: string[][]): string {
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table
    .map((row) => row.map((cell, column) => (column === 0 || column === row.length - 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '))
    .join('\n');
}

function markdownTable(table: string[][]): string {
  const [header, ...rows] = table;
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const align = header!.map((_, column) => (column === 0 || column === header!.length - 1 ? '---' : '---:'));
  return [line(header!), line(align), ...rows.map(line)].join('\n');
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `Node ${process.version}, ${cpus().length} × ${cpu} (${arch()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { markdown: { type: 'string' } }, allowPositionals: true, strict: true });
  const unknown = positionals.filter((name) => !SECTIONS.some((section) => section.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown benchmark section ${unknown.map((name) => `"${name}"`).join(', ')}. Sections: ${SECTIONS.map((s) => s.name).join(', ')}.\n`);
    return 2;
  }
  const chosen = positionals.length > 0 ? SECTIONS.filter((section) => positionals.includes(section.name)) : SECTIONS;
  const markdown: string[] = [`Machine: ${machine()}`];
  process.stdout.write(`${machine()}\n`);
  for (const section of chosen) {
    process.stdout.write(`\n== ${section.name}: ${section.description}\n`);
    const table = tableOf(await section.run());
    process.stdout.write(`${plainTable(table)}\n`);
    markdown.push(`### ${section.name}\n\n${section.description}.\n\n${markdownTable(table)}`);
  }
  if (values.markdown) writeFileSync(values.markdown, `${markdown.join('\n\n')}\n`);
  return 0;
}

quietSqliteExperimentalWarning();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
