import assert from 'node:assert/strict';
import { CHAT_COMMANDS, buildHelpCard, buildThresholdsCard, parseCommand } from '../../src/alerts';
import { commandTextOf } from '../../src/alerts/chat-command';
import { resolveScoringOptions } from '../../src/quality';

/** Every argument mistake parseCommand answers with a usage message, one per command that takes arguments. */
const WRONG_ARGUMENTS = ['recent 0', 'recent x', 'check', 'check a b', 'check file:', 'set threshold audio.averageJitter', 'profile a b', 'alert now', 'mute 0', 'mute 10000', 'last call please'];

/** Every string anywhere in a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

describe('alerts: chat command parsing', () => {
  it('strips mentions, markup and entities from a Teams message', () => {
    assert.equal(commandTextOf('<at>Call Quality</at>&nbsp;recent  5\n'), 'recent 5');
    assert.equal(commandTextOf('<p>set threshold audio.averageJitter 40</p>'), 'set threshold audio.averageJitter 40');
    assert.equal(commandTextOf(undefined), '');
  });

  it('parses every command', () => {
    assert.deepEqual(parseCommand('Help'), { name: 'help' });
    assert.deepEqual(parseCommand('status'), { name: 'status' });
    assert.deepEqual(parseCommand('recent'), { name: 'recent', count: 10 });
    assert.deepEqual(parseCommand('recent 3'), { name: 'recent', count: 3 });
    assert.deepEqual(parseCommand('recent 500'), { name: 'recent', count: 50 });
    assert.deepEqual(parseCommand('check 2f1a1100-b174-40a0-aba7-0b405e01ed92'), { name: 'check', callId: '2f1a1100-b174-40a0-aba7-0b405e01ed92' });
    assert.deepEqual(parseCommand('check 3'), { name: 'check-number', number: 3 });
    assert.deepEqual(parseCommand('<at>Call Quality</at> check #12'), { name: 'check-number', number: 12 });
    assert.deepEqual(parseCommand('Last Call'), { name: 'last-call' });
    assert.equal(parseCommand('last week').name, 'unknown');
    assert.deepEqual(parseCommand('check file:./records/My Call.json'), { name: 'check-file', path: './records/My Call.json' });
    assert.deepEqual(parseCommand('thresholds'), { name: 'thresholds' });
    assert.deepEqual(parseCommand('set threshold audio.averageJitter 40'), { name: 'set-threshold', key: 'audio.averageJitter', value: '40' });
    assert.deepEqual(parseCommand('set threshold video.averageVideoFrameRate=5'), { name: 'set-threshold', key: 'video.averageVideoFrameRate', value: '5' });
    assert.deepEqual(parseCommand('profile CQD-Classic'), { name: 'profile', profile: 'cqd-classic' });
    assert.deepEqual(parseCommand('profile'), { name: 'profile', profile: null });
    assert.deepEqual(parseCommand('alert here'), { name: 'alert-here' });
    assert.deepEqual(parseCommand('alert off'), { name: 'alert-off' });
    assert.deepEqual(parseCommand('mute'), { name: 'mute', hours: 24 });
    assert.deepEqual(parseCommand('mute 8h'), { name: 'mute', hours: 8 });
    assert.deepEqual(parseCommand('unmute'), { name: 'unmute' });
    assert.deepEqual(parseCommand('<at>Bot</at> hello there'), { name: 'unknown', text: 'hello there' });
  });

  it('says how to use a command given wrong arguments', () => {
    for (const text of WRONG_ARGUMENTS) {
      const command = parseCommand(text);
      assert.equal(command.name, 'usage', text);
      assert.match((command as { message: string }).message, /^"?[a-z]/i);
    }
  });

  // Teams and the Agents Playground read text in angle brackets as HTML and drop it:
  // "check <call id>" shows as "check". Only Teams' own <at> mentions may use them.
  it('writes no command text with angle brackets, which Teams would drop', () => {
    const usages = WRONG_ARGUMENTS.map((text) => (parseCommand(text) as { message: string }).message);
    const texts = [
      ...CHAT_COMMANDS.flatMap((command) => [command.name, command.description]),
      ...usages,
      ...stringsIn(buildHelpCard(CHAT_COMMANDS)),
      ...stringsIn(buildThresholdsCard(resolveScoringOptions({}))),
    ];
    assert.equal(usages.length, WRONG_ARGUMENTS.length);
    for (const text of texts) {
      if (text.startsWith('http')) continue; // the card's $schema
      assert.doesNotMatch(text.replace(/<\/?at>/g, ''), /[<>]/, `"${text}" has angle brackets`);
    }
    assert.ok(CHAT_COMMANDS.some((command) => command.name === 'check N|CALL-ID'), 'placeholders are in capitals');
  });

  it('still parses the commands as the help card writes them, with real values for the placeholders', () => {
    assert.deepEqual(parseCommand('check file:NAME.json'), { name: 'check-file', path: 'NAME.json' });
    assert.deepEqual(parseCommand('set threshold audio.averageJitter 40'), { name: 'set-threshold', key: 'audio.averageJitter', value: '40' });
  });
});
