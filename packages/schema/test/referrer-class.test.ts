import { describe, expect, it } from 'vitest';
import { referrerHostsModule } from '../scripts/referrer-hosts.js';
import { readFileSync } from 'node:fs';
import { classifyReferrer, referrerSource } from '../src/referrer-class.js';

describe('referrer classes from the maintained host lists', () => {
  it('generated module is current with data/referrers (run referrers:generate)', () => {
    const committed = readFileSync(new URL('../src/referrer-hosts.ts', import.meta.url), 'utf8');
    expect(committed).toBe(referrerHostsModule());
  });

  it.each([
    ['google.de', 'search', 'Google'],
    ['google.co.uk', 'search', 'Google'],
    ['google.com.br', 'search', 'Google'],
    ['news.google.fr', 'search', 'Google News'],
    ['bing.com', 'search', 'Bing'],
    ['de.search.yahoo.com', 'search', 'Yahoo!'],
    ['duckduckgo.com', 'search', 'DuckDuckGo'],
    ['yandex.ru', 'search', 'Yandex'],
    ['m.facebook.com', 'social', 'Facebook'],
    ['l.instagram.com', 'social', 'Instagram'],
    ['linkedin.com', 'social', 'LinkedIn'],
    ['news.ycombinator.com', 'social', 'Hacker News'],
    ['bsky.app', 'social', 'Bluesky'],
    ['chatgpt.com', 'ai', 'ChatGPT'],
    ['perplexity.ai', 'ai', 'Perplexity'],
  ])('%s is %s (%s)', (host, cls, name) => {
    expect(referrerSource(host)).toEqual({ class: cls, name });
    expect(classifyReferrer(host, '', false)).toBe(cls);
  });

  it('leaves unlisted hosts as other, and does not match a listed name inside another word', () => {
    expect(referrerSource('example.org')).toBeUndefined();
    expect(referrerSource('notgoogle.de')).toBeUndefined();
    expect(referrerSource('co.uk')).toBeUndefined();
    expect(classifyReferrer('example.org', '', false)).toBe('other');
  });

  it('takes the medium first, then webmail hosts, then the lists', () => {
    expect(classifyReferrer('mail.google.com', '', false)).toBe('email');
    expect(classifyReferrer('google.de', 'newsletter', true)).toBe('email');
    expect(classifyReferrer('', 'cpc', true)).toBe('search');
    expect(classifyReferrer('', '', true)).toBe('other');
    expect(classifyReferrer('', '', false)).toBe('direct');
    // An inherited property name is not a medium.
    expect(classifyReferrer('', 'constructor', false)).toBe('direct');
  });
});
