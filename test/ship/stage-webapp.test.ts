import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StageError, stageWebApp } from '../../scripts/stage-webapp';

/** A project as `npm run build` leaves it: compiled server, tests and benches, source maps. */
function builtProject(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cqb-stage-'));
  const files: Record<string, string> = {
    'dist/src/index.js': 'require("./app");',
    'dist/src/app.js': 'module.exports = {};',
    'dist/src/app.js.map': '{}',
    'dist/src/alerts/templates/help-card.json': '{"type":"AdaptiveCard"}',
    'dist/test/smoke/compiled-smoke.js': '',
    'dist/bench/index.js': '',
    'src/index.ts': '',
    'package-lock.json': '{"lockfileVersion":3}',
    'package.json': JSON.stringify({
      name: 'call-quality-bot',
      version: '1.2.3',
      main: 'dist/src/index.js',
      scripts: { prestart: 'npm run build', start: 'node --max-old-space-size=896 dist/src/index.js', test: 'mocha' },
      dependencies: { restify: '^12.0.0' },
      devDependencies: { azurite: '^3.37.0' },
    }),
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

describe('npm run stage:webapp (scripts/stage-webapp.ts)', () => {
  const roots: string[] = [];
  after(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('copies the compiled server and the lock file, and a package.json without dev dependencies or build scripts', () => {
    const root = builtProject();
    roots.push(root);
    const out = stageWebApp({ rootDir: root, install: false });
    assert.equal(out, path.join(root, '.deployment', 'webapp'));
    assert.ok(existsSync(path.join(out, 'dist', 'src', 'index.js')));
    assert.ok(existsSync(path.join(out, 'dist', 'src', 'alerts', 'templates', 'help-card.json')), 'JSON the server imports comes along');
    assert.ok(!existsSync(path.join(out, 'dist', 'src', 'app.js.map')), 'no source maps');
    assert.ok(!existsSync(path.join(out, 'dist', 'test')) && !existsSync(path.join(out, 'dist', 'bench')) && !existsSync(path.join(out, 'src')));
    const pkg = JSON.parse(readFileSync(path.join(out, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(pkg.devDependencies, undefined);
    assert.deepEqual(pkg.scripts, { start: 'node --max-old-space-size=896 dist/src/index.js' }, 'the start command with its heap flags, without the build before it');
    assert.deepEqual(pkg.dependencies, { restify: '^12.0.0' });
    assert.equal(pkg.version, '1.2.3');
    assert.equal(readFileSync(path.join(out, 'package-lock.json'), 'utf8'), '{"lockfileVersion":3}');
  });

  it('empties the output folder first', () => {
    const root = builtProject();
    roots.push(root);
    const stale = path.join(root, '.deployment', 'webapp', 'dist', 'src', 'removed.js');
    mkdirSync(path.dirname(stale), { recursive: true });
    writeFileSync(stale, '');
    stageWebApp({ rootDir: root, install: false });
    assert.ok(!existsSync(stale));
  });

  it('asks for a build first when dist/src/index.js is missing', () => {
    const root = builtProject();
    roots.push(root);
    rmSync(path.join(root, 'dist'), { recursive: true });
    assert.throws(() => stageWebApp({ rootDir: root, install: false }), (error: Error) => error instanceof StageError && /npm run build/.test(error.message));
  });

  it('refuses an output folder that contains the project', () => {
    const root = builtProject();
    roots.push(root);
    assert.throws(() => stageWebApp({ rootDir: root, outDir: '..', install: false }), StageError);
    assert.throws(() => stageWebApp({ rootDir: root, outDir: '.', install: false }), StageError);
  });
});
