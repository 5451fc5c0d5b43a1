/** Minimal React rendering for happy-dom tests: mount, act, query, unmount. */
import type { ReactNode } from 'react';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface Rendered {
  container: HTMLElement;
  unmount: () => void;
}

export async function render(node: ReactNode): Promise<Rendered> {
  const container = document.createElement('div');
  document.body.append(container);
  let root: Root | undefined;
  await act(async () => {
    root = createRoot(container);
    root.render(node);
    await Promise.resolve();
  });
  return {
    container,
    unmount: () => {
      act(() => root!.unmount());
      container.remove();
    },
  };
}

/** Lets pending promises (fake API calls) settle inside act. */
export async function settle(): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

export async function click(el: Element | null): Promise<void> {
  if (!el) throw new Error('nothing to click');
  await act(async () => {
    (el as HTMLElement).click();
    await Promise.resolve();
  });
}

export const text = (el: Element | null | undefined): string => el?.textContent?.trim() ?? '';

/**
 * Sets an input's or select's value as a person would: React tracks the value property, so it is
 * set through the prototype and announced with the event React listens to.
 */
export async function change(
  el: HTMLInputElement | HTMLSelectElement | null,
  value: string,
): Promise<void> {
  if (!el) throw new Error('nothing to change');
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement : HTMLInputElement;
  const descriptor = Object.getOwnPropertyDescriptor(proto.prototype, 'value')!;
  await act(async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the element as `this`
    Reflect.apply(descriptor.set!, el, [value]);
    el.dispatchEvent(
      new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }),
    );
    await Promise.resolve();
  });
}
