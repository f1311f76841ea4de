import { strict as assert } from 'node:assert';
import { formatMetricValue, PROFILES, STREAM_KINDS, thresholdMetricsOf } from '../../src/quality';
import { configVariableNames, readRepoFile } from './project-files';

/** The cells of the Markdown table row that starts with `` `key` ``. */
function rowOf(markdown: string, key: string): string[] | undefined {
  const line = markdown.split('\n').find((candidate) => candidate.startsWith(`| \`${key}\` |`));
  return line?.split('|').slice(1, -1).map((cell) => cell.trim());
}

describe('docs/configuration.md', () => {
  const doc = readRepoFile('docs/configuration.md');

  it('has a row for every variable src/config/env-schema.ts reads, with a default and when to change it', () => {
    for (const name of configVariableNames()) {
      const row = rowOf(doc, name);
      assert.ok(row, `docs/configuration.md has no table row for ${name}`);
      assert.equal(row.length, 4, `${name}: variable, default, what it is, when to change it`);
      for (const cell of row) assert.ok(cell.length > 0, `${name} has an empty cell`);
    }
  });

  it('lists every threshold of every profile with its default, as typed and as shown on cards', () => {
    const profiles = Object.values(PROFILES);
    const header = doc.split('\n').find((line) => line.startsWith('| Threshold |'));
    assert.ok(header, 'a thresholds table');
    const columns = header.split('|').slice(1, -1).map((cell) => cell.trim());
    for (const profile of profiles) assert.ok(columns.includes(`\`${profile.name}\``), `a column for profile ${profile.name}`);
    for (const kind of STREAM_KINDS) {
      for (const metric of thresholdMetricsOf(kind)) {
        const row = rowOf(doc, `${kind}.${metric}`);
        assert.ok(row, `a row for ${kind}.${metric}`);
        for (const profile of profiles) {
          const value = profile.defaults[kind][metric];
          const cell: string | undefined = row[columns.indexOf(`\`${profile.name}\``)];
          const expected = value === undefined ? '—' : `${value} (${formatMetricValue(metric, value)})`;
          assert.equal(cell, expected, `${kind}.${metric} under ${profile.name}`);
        }
      }
    }
  });
});

describe('docs/deploy.md', () => {
  const doc = readRepoFile('docs/deploy.md');

  it('walks from nothing to an alert: provision (with the app registration), admin consent, deploy, health, upload, alert here', () => {
    const steps = ['atk provision --env dev', 'CallRecords.Read.All', 'Grant admin consent', 'atk deploy --env dev', '/healthz', 'atk publish --env dev', 'Upload a custom app', 'alert here'];
    let at = -1;
    for (const step of steps) {
      const found = doc.indexOf(step, at + 1);
      assert.ok(found > at, `"${step}" comes next in docs/deploy.md`);
      at = found;
    }
    assert.match(doc, /TeamsAppInstallation\.ReadWriteSelfForUser\.All/, 'says what PROACTIVE_INSTALL needs');
    assert.match(doc, /npm install -g @microsoft\/m365agentstoolkit-cli/, 'names the toolkit CLI package');
  });
});
