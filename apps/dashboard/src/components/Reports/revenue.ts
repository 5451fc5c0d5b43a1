/** Revenue per currency as text: "€147.00 · $20.00"; '' when there is none. */
import type { Revenue } from '../../lib/conversions-api.js';

export function formatRevenue(revenue: Revenue): string {
  return Object.entries(revenue)
    .map(([currency, amount]) => {
      try {
        return new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount);
      } catch {
        // A code Intl does not know: the amount and the code as stored.
        return `${amount.toFixed(2)} ${currency}`;
      }
    })
    .join(' · ');
}
