import assert from 'node:assert/strict';
import { buildPersonCallsCard, validateCard } from '../../src/alerts';
import { personCallsOf } from '../../src/insights';
import { sampleDay } from '../support/history-calls';
import { cardText, elementsOfType, tableRows } from './card-inspection';

describe("a person's calls card", () => {
  // Olga's two calls of sampleDay(), worked out by hand in test/insights/person-calls.test.ts.
  const answer = { ...personCallsOf('olga@contoso.com', sampleDay()), days: 7, from: '2026-02-24', to: '2026-03-02', more: false };

  it('lists the calls newest first with the poor streams of their side, their rating and where they were', () => {
    const card = buildPersonCallsCard(answer, true);
    assert.deepEqual(validateCard(card).errors, []);
    const [table] = elementsOfType(card, 'Table');
    assert.deepEqual(tableRows(table!), [
      ['#', 'When', 'Organizer', 'Poor (yours)', 'Rating', 'Where'],
      ['1', '{{DATE(2026-03-02T11:00:00Z, COMPACT)}} {{TIME(2026-03-02T11:00:00Z)}}', 'Olga Ahlgren', '2 of 3 (audio)', 'not rated', 'HQ, Wi-Fi 5 GHz'],
      ['2', '{{DATE(2026-03-02T09:00:00Z, COMPACT)}} {{TIME(2026-03-02T09:00:00Z)}}', 'Olga Ahlgren', '2 of 4 (audio, video)', '★☆☆☆☆ bad', 'HQ, Wi-Fi 5 GHz'],
    ]);
    assert.match(cardText(card), /^Your calls\nLast 7 days: 24 Feb – 2 Mar 2026 \(UTC days\)/);
    assert.match(cardText(card), /2 calls: 2 with poor streams on your side, 1 bad rating\./);
  });

  it("names the person for an admin's `user`, and says when only the newest calls are shown", () => {
    const card = buildPersonCallsCard({ ...answer, more: true }, false);
    assert.deepEqual(validateCard(card).errors, []);
    const text = cardText(card);
    assert.match(text, /^Calls of one person/);
    assert.match(text, /Olga Ahlgren\n {2}olga@contoso\.com · 0a1a0000-0000-0000-0000-00000000a01a/);
    assert.match(text, /2 calls \(the newest\): 2 with poor streams on their side/);
    assert.match(text, /Only the newest 2 calls are shown\./);
  });

  it('says so when there is no call', () => {
    const own = buildPersonCallsCard({ ...answer, calls: [] }, true);
    assert.deepEqual(validateCard(own).errors, []);
    assert.match(cardText(own), /No call of yours was scored in this period\./);
    assert.deepEqual(elementsOfType(own, 'Table'), []);
  });
});
