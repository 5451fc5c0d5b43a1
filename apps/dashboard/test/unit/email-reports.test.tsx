/** The member's e-mail report switches: the choice shows at once, a refusal takes it back. */
import { describe, expect, it } from 'vitest';
import { EmailReports } from '../../src/components/Account/EmailReports.js';
import type { AccountApi, ReportPeriod } from '../../src/lib/account-api.js';
import { ApiError, type ApiResult } from '../../src/lib/api.js';
import { click, render, settle, text } from './render.js';

/** A fake of the two calls the switches make: subscriptions kept in memory, or refused. */
function fakeAccount(refuse = false) {
  const periods = new Set<ReportPeriod>(['monthly']);
  const calls: [string, string, ReportPeriod, boolean][] = [];
  const account = {
    reportPeriods: (): Promise<ApiResult<ReportPeriod[]>> =>
      Promise.resolve({ data: [...periods], error: null }),
    setReportPeriod: (
      site: string,
      user: string,
      period: ReportPeriod,
      on: boolean,
    ): Promise<ApiResult<null>> => {
      calls.push([site, user, period, on]);
      if (refuse)
        return Promise.resolve({
          data: null,
          error: new ApiError('new row violates row-level security policy', 'request', 403),
        });
      if (on) periods.add(period);
      else periods.delete(period);
      return Promise.resolve({ data: null, error: null });
    },
  } as unknown as AccountApi;
  return { account, calls };
}

const box = (root: HTMLElement, name: ReportPeriod) =>
  root.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;

describe('the e-mail report switches', () => {
  it('shows the saved choice and saves a new one for this member', async () => {
    const { account, calls } = fakeAccount();
    const view = await render(<EmailReports account={account} site="shop" user="u1" />);
    await settle();
    expect(box(view.container, 'monthly').checked).toBe(true);
    expect(box(view.container, 'weekly').checked).toBe(false);
    await click(box(view.container, 'weekly'));
    expect(box(view.container, 'weekly').checked).toBe(true);
    await settle();
    expect(calls).toEqual([['shop', 'u1', 'weekly', true]]);
    expect(box(view.container, 'weekly').checked).toBe(true);
    view.unmount();
  });

  it('takes the choice back and says why when the database refuses it', async () => {
    const { account } = fakeAccount(true);
    const view = await render(<EmailReports account={account} site="shop" user="u1" />);
    await settle();
    await click(box(view.container, 'weekly'));
    await settle();
    expect(box(view.container, 'weekly').checked).toBe(false);
    expect(text(view.container.querySelector('.error'))).toContain('row-level security');
    view.unmount();
  });
});
