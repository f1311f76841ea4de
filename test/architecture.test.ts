import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/*
 * The rooms of src/ and what each may import (docs/architecture.md draws the same table). Checked on
 * the source, so a change that breaks a rule fails here with the file and the import named.
 */

const SRC = path.resolve(__dirname, '../src');

/** Shared files at the root of src/ that any room may use. */
const SHARED = ['config', 'logger', 'idle-wait', 'background-loop', 'quiet-sqlite-warning', 'node-version', 'upstream-text'];

/** What each room may import of ours (besides its own files and {@link SHARED}). */
const ROOMS: Record<string, readonly string[]> = {
  quality: [],
  store: [],
  sites: [],
  // Pure: a call's history summary, day aggregates, trends, top lists, the weekly report's figures, export rows.
  insights: ['quality', 'sites'],
  alerts: ['quality', 'insights'],
  // Reads the history: the insight answers with cached day aggregates, and the export.
  history: ['store', 'insights', 'quality'],
  graph: ['quality', 'telemetry'],
  settings: ['quality', 'store', 'alerts'],
  // Types only: the inbox counts it observes.
  telemetry: ['store'],
  ingest: ['graph', 'quality', 'store', 'alerts', 'settings', 'telemetry', 'sites', 'insights', 'history'],
  bot: ['alerts', 'store', 'settings', 'ingest', 'quality', 'telemetry', 'insights', 'sites', 'history'],
  // The building file is read and checked at start-up, like the quality settings.
  config: ['quality', 'graph', 'sites'],
  cli: ['quality', 'graph', 'ingest', 'store', 'alerts', 'settings', 'open-store', 'sites', 'insights', 'history'],
};

/** The wiring: may import everything, and nothing imports it. */
const WIRING = ['app', 'server', 'index', 'open-store'];

const BOT_FRAMEWORK = /^(botbuilder|botbuilder-[a-z-]+|botframework-[a-z-]+|@microsoft\/teams-ai)$/;

interface SourceFile {
  /** Path from src/, without `.ts`: `bot/routes/messages`. */
  id: string;
  lines: number;
  imports: { specifier: string; target: string | null }[];
}

/** Every file under `dir` whose name ends with `ending`. */
function sourceFiles(dir = SRC, ending = '.ts'): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full, ending);
    return name.endsWith(ending) ? [full] : [];
  });
}

function idOf(file: string): string {
  return path.relative(SRC, file).replace(/\\/g, '/').replace(/\.ts$/, '');
}

function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return idOf(candidate);
    } catch {
      // Not this one.
    }
  }
  return null;
}

function readSources(): SourceFile[] {
  return sourceFiles().map((file) => {
    const text = readFileSync(file, 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    return {
      id: idOf(file),
      lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
      imports: importedFiles.map(({ fileName }) => ({ specifier: fileName, target: resolveImport(file, fileName) })),
    };
  });
}

/** The room of a file: its first folder, or its own name at the root of src/. */
function roomOf(id: string): string {
  return id.includes('/') ? id.slice(0, id.indexOf('/')) : id;
}

describe('architecture: the rooms of src/ keep their rules', () => {
  const files = readSources();

  it('imports Bot Framework and Teams AI packages only in src/bot', () => {
    const outside = files.flatMap((file) =>
      roomOf(file.id) === 'bot' ? [] : file.imports.filter((i) => BOT_FRAMEWORK.test(i.specifier)).map((i) => `${file.id} imports ${i.specifier}`),
    );
    assert.deepEqual(outside, []);
  });

  it('lets only the wiring import src/bot, and nothing import the wiring', () => {
    const wrong = files.flatMap((file) =>
      file.imports
        .filter((i) => i.target !== null && roomOf(i.target) !== roomOf(file.id))
        .filter((i) => (roomOf(i.target!) === 'bot' && file.id !== 'app') || (WIRING.includes(i.target!) && !WIRING.includes(file.id) && i.target !== 'open-store'))
        .map((i) => `${file.id} imports ${i.target}`),
    );
    assert.deepEqual(wrong, []);
  });

  it('keeps each room to the rooms it may import', () => {
    const wrong = files.flatMap((file) => {
      const room = roomOf(file.id);
      const allowed = ROOMS[room];
      if (!allowed) return [];
      return file.imports
        .filter((i) => i.target !== null)
        .map((i) => roomOf(i.target!))
        .filter((target) => target !== room && !SHARED.includes(target) && !allowed.includes(target))
        .map((target) => `${file.id} (room ${room}) imports ${target}`);
    });
    assert.deepEqual([...new Set(wrong)], []);
  });

  it('has no import circle, type-only imports included', () => {
    const graph = new Map(files.map((file) => [file.id, file.imports.flatMap((i) => (i.target ? [i.target] : []))]));
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (id: string, trail: string[]) => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'open') {
        circles.push([...trail.slice(trail.indexOf(id)), id].join(' → '));
        return;
      }
      state.set(id, 'open');
      for (const next of graph.get(id) ?? []) visit(next, [...trail, id]);
      state.set(id, 'done');
    };
    for (const id of graph.keys()) visit(id, []);
    assert.deepEqual(circles, []);
  });

  it('keeps every source file under 300 lines, templates included', () => {
    const templates = sourceFiles(SRC, '.json').map((file) => ({ id: path.relative(SRC, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }));
    const long = [...files, ...templates].filter((file) => file.lines > 300).map((file) => `${file.id}: ${file.lines} lines`);
    assert.deepEqual(long, []);
  });
});

