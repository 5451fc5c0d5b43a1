import { describe, expect, it } from 'vitest';
import { UserText } from '../../src/components/Text/UserText.js';
import { DISPLAY_MAX, displayText } from '../../src/lib/display-text.js';
import { render } from './render.js';

describe('displayText', () => {
  it('shows control characters and unpaired surrogates as U+FFFD and drops bidi controls', () => {
    expect(displayText('a\u0000b\nc\ud800d\udc00\udc00').shown).toBe(
      'a\ufffdb\ufffdc\ufffdd\ufffd\ufffd',
    );
    expect(displayText('/admin\u202egnp.exe\u2066x\u2069').shown).toBe('/admingnp.exex');
    expect(displayText('😀 مرحبا <b>').shown).toBe('😀 مرحبا <b>');
  });

  it('cuts long text on code points with an ellipsis and keeps the whole for a tooltip', () => {
    const long = '😀'.repeat(DISPLAY_MAX + 5);
    const { shown, full } = displayText(long);
    expect(Array.from(shown)).toHaveLength(DISPLAY_MAX);
    expect(shown.endsWith('😀…')).toBe(true);
    expect(full).toBe(long);
    expect(displayText('short')).toEqual({ shown: 'short', full: null });
  });
});

describe('UserText', () => {
  it('renders markup as text inside a bidi isolate', async () => {
    const hostile = '<img src=x onerror="window.__xss=1">\u202eevil';
    const mounted = await render(<UserText text={hostile} />);
    const bdi = mounted.container.querySelector('bdi')!;
    expect(bdi.getAttribute('dir')).toBe('auto');
    expect(bdi.textContent).toBe('<img src=x onerror="window.__xss=1">evil');
    expect(mounted.container.querySelector('img')).toBeNull();
    mounted.unmount();
  });

  it('shows the placeholder for an empty value', async () => {
    const mounted = await render(<UserText text="" empty="(none)" />);
    expect(mounted.container.textContent).toBe('(none)');
    mounted.unmount();
  });
});
