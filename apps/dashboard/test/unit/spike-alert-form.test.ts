/** The spike alert form's values as the table takes them (SpikeAlertForm's fromDraft). */
import { describe, expect, it } from 'vitest';
import { fromDraft } from '../../src/components/Sites/SpikeAlertForm.js';

const draft = {
  enabled: true,
  threshold: '50',
  multiple: '',
  quiet: '30',
  emails: 'ops@example.com,  oncall@example.com;x@example.com',
  webhook: '  ',
};

describe('the spike alert form', () => {
  it('turns the fields into the row: numbers, a list of addresses, an empty webhook as none', () => {
    expect(fromDraft(draft)).toEqual({
      enabled: true,
      visitors_threshold: 50,
      usual_multiple: null,
      quiet_minutes: 30,
      emails: ['ops@example.com', 'oncall@example.com', 'x@example.com'],
      webhook_url: null,
    });
  });

  it('asks for a threshold or a multiple, and for somewhere to send', () => {
    expect(fromDraft({ ...draft, threshold: '' })).toBe(
      'Set a threshold, a multiple of the usual level, or both.',
    );
    expect(fromDraft({ ...draft, emails: '' })).toBe(
      'Add an e-mail address or a webhook to alert.',
    );
    expect(
      fromDraft({
        ...draft,
        threshold: '',
        multiple: '3',
        emails: '',
        webhook: 'https://h.example/x',
      }),
    ).toMatchObject({
      visitors_threshold: null,
      usual_multiple: 3,
      webhook_url: 'https://h.example/x',
    });
  });
});
