import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastSeq } from './auth-helpers.js';
import { startTestStack, type TestStack } from './helpers.js';

// The local inbox: a page, a JSON API to poll, and Resend's POST /emails for other senders.
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({});
});

afterAll(async () => {
  await t?.cleanup();
});

function send(body: unknown, key: string | null = t.stack.emailApiKey, path = '/emails') {
  return fetch(`${t.stack.emailApiUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

const report = {
  from: 'Sightline <reports@sightline.example>',
  to: ['owner@example.com'],
  subject: 'Weekly report <shop>',
  html: '<p>1,234 visitors</p>',
  text: '1,234 visitors',
  tags: [{ name: 'kind', value: 'weekly' }],
};

describe('Resend-compatible sending', () => {
  it('accepts a Resend request, answers {id}, and the message shows in the inbox', async () => {
    const response = await send(report);
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    const stored = await (await fetch(`${t.stack.inboxUrl}/api/messages/${id}`)).json();
    expect(stored).toMatchObject({
      id,
      sender: 'email-api',
      subject: report.subject,
      to: report.to,
    });
    const resend = await fetch(`${t.stack.emailApiUrl}/emails/${id}`, {
      headers: { authorization: `Bearer ${t.stack.emailApiKey}` },
    });
    expect(await resend.json()).toMatchObject({ object: 'email', id, last_event: 'delivered' });
  });

  it('sends a batch all or nothing', async () => {
    const ok = await send(
      [report, { ...report, to: 'second@example.com' }],
      t.stack.emailApiKey,
      '/emails/batch',
    );
    expect(((await ok.json()) as { data: unknown[] }).data).toHaveLength(2);
    const before = await lastSeq(t.stack);
    const bad = await send(
      [report, { ...report, subject: undefined }],
      t.stack.emailApiKey,
      '/emails/batch',
    );
    expect(bad.status).toBe(422);
    expect(await lastSeq(t.stack)).toBe(before);
  });

  it('answers bad requests with Resend’s error shape and names', async () => {
    const cases: [unknown, string | null, number, string][] = [
      [report, null, 401, 'missing_api_key'],
      [report, 're_wrong', 403, 'invalid_api_key'],
      [{ ...report, to: undefined }, t.stack.emailApiKey, 422, 'missing_required_field'],
      [
        { ...report, html: undefined, text: undefined },
        t.stack.emailApiKey,
        422,
        'missing_required_field',
      ],
      [{ ...report, to: 'not an address' }, t.stack.emailApiKey, 422, 'validation_error'],
      ['a string', t.stack.emailApiKey, 422, 'validation_error'],
    ];
    for (const [body, key, status, name] of cases) {
      const response = await send(body, key);
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ statusCode: status, name });
    }
  });
});

describe('the inbox', () => {
  it('long-polls: a waiting request returns as soon as a matching message arrives', async () => {
    const after = await lastSeq(t.stack);
    const waiting = fetch(
      `${t.stack.inboxUrl}/api/messages?to=late@example.com&after=${after}&wait=10000`,
    );
    const started = Date.now();
    await send({ ...report, to: 'other@example.com' });
    await send({ ...report, to: 'LATE@example.com', subject: 'finally' });
    const { messages } = (await (await waiting).json()) as { messages: { subject: string }[] };
    expect(messages.map((m) => m.subject)).toEqual(['finally']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('lists messages on a page, escaping what senders wrote, and shows one with its body', async () => {
    const id = ((await (await send(report)).json()) as { id: string }).id;
    const page = await (await fetch(t.stack.inboxUrl)).text();
    expect(page).toContain('Weekly report &#60;shop&#62;');
    expect(page).not.toContain('<shop>');
    expect(page).toContain(`/inbox/messages/${id}`);
    const one = await fetch(`${t.stack.inboxUrl}/messages/${id}`);
    expect(one.headers.get('content-type')).toContain('text/html');
    expect(await one.text()).toContain('sandbox=');
  });

  it('rejects bad query parameters and clears on DELETE', async () => {
    const bad = await fetch(`${t.stack.inboxUrl}/api/messages?after=-1`);
    expect(bad.status).toBe(400);
    const cleared = await fetch(`${t.stack.inboxUrl}/api/messages`, { method: 'DELETE' });
    expect(((await cleared.json()) as { deleted: number }).deleted).toBeGreaterThan(0);
    const { messages } = (await (await fetch(`${t.stack.inboxUrl}/api/messages`)).json()) as {
      messages: [];
    };
    expect(messages).toEqual([]);
  });
});
