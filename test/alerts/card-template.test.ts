import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { Template } from 'adaptivecards-templating';
import { ALERT_CARD_LIMIT_STEPS, buildAlertCard } from '../../src/alerts';
import { alertCardData } from '../../src/alerts/alert-card-data';
import { alertCardTemplate } from '../../src/alerts/alert-card-template';
import { expandTemplate } from '../../src/alerts/card-template';
import { loadFixture } from '../support/graph-fixtures';
import { alertInput, CLASSIC } from './card-samples';

describe('expandTemplate: one prepared template per template object', () => {
  afterEach(() => mock.restoreAll());

  it('parses a template once and binds each card to its own data', () => {
    const template = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'Call with ${name}', $when: '${shown}' }, { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] }] };
    // `prepare` parses a template's bindings; it is private in the package's typings.
    const prepare = mock.method(Template as unknown as { prepare: (node: unknown) => unknown }, 'prepare');
    const first = expandTemplate(template, { name: 'Ada', shown: true, facts: [{ title: 'Jitter', value: '41 ms' }] });
    const calls = prepare.mock.callCount();
    const second = expandTemplate(template, { name: 'Grace', shown: true, facts: [{ title: 'Loss', value: '12 %' }, { title: 'RTT', value: '640 ms' }] });
    const third = expandTemplate(template, { name: 'Linus', shown: false, facts: [] });

    assert.ok(calls > 0, 'the first card prepares the template');
    assert.equal(prepare.mock.callCount(), calls, 'later cards do not prepare it again');
    assert.deepEqual(first.body, [{ type: 'TextBlock', text: 'Call with Ada' }, { type: 'FactSet', facts: [{ title: 'Jitter', value: '41 ms' }] }]);
    assert.deepEqual(second.body, [
      { type: 'TextBlock', text: 'Call with Grace' },
      { type: 'FactSet', facts: [{ title: 'Loss', value: '12 %' }, { title: 'RTT', value: '640 ms' }] },
    ]);
    assert.deepEqual(third.body, [{ type: 'FactSet', facts: [] }]);
  });

  it('hands out cards that share nothing: changing one leaves the next as the data says', () => {
    const template = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '${text}', wrap: true }] };
    const first = expandTemplate(template, { text: 'one' });
    (first.body as Array<Record<string, unknown>>)[0]!.wrap = false;
    first.body.push({ type: 'TextBlock', text: 'added' });
    const second = expandTemplate(template, { text: 'two' });
    assert.deepEqual(second.body, [{ type: 'TextBlock', text: 'two', wrap: true }]);
    assert.deepEqual(template.body, [{ type: 'TextBlock', text: '${text}', wrap: true }], 'the template itself is not changed');
  });

  it('the alert card template is one object, and a reused one gives the card a fresh template gives', () => {
    assert.equal(alertCardTemplate(), alertCardTemplate());
    const input = alertInput(loadFixture('callrecord-v1-expanded-2024.json'), CLASSIC, 'admins');
    const warm = buildAlertCard(input);
    const again = buildAlertCard(input);
    // A template object the cache has never seen, parsed by the library itself.
    const fresh = new Template(structuredClone(alertCardTemplate())).expand({ $root: alertCardData(input, ALERT_CARD_LIMIT_STEPS[0]!) });
    assert.deepEqual(again, warm);
    assert.deepEqual(warm, fresh);
  });
});
