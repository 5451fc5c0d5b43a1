/** The two tracker tags to paste into a site's pages, each with a copy button. */
import { useState } from 'react';
import { snippet } from './snippet.js';

interface Props {
  ingestUrl: string;
  site: { id: string; domains: readonly string[] };
}

const BUILDS = [
  {
    build: 'full',
    title: 'Full',
    text: 'page views, engagement, custom events, outbound links, downloads, scroll depth, web vitals',
  },
  {
    build: 'core',
    title: 'Core',
    text: 'page views, engagement and custom events; the smallest script',
  },
] as const;

export function Snippet({ ingestUrl, site }: Props) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async (build: 'full' | 'core'): Promise<void> => {
    try {
      await navigator.clipboard.writeText(snippet(ingestUrl, site, build));
      setCopied(build);
    } catch {
      // No clipboard permission: the text is selectable in the box.
      setCopied(null);
    }
  };
  return (
    <section className="card snippet" aria-label="Tracker snippet">
      <h2>Add the tracker to your pages</h2>
      <p className="muted">Put one of these in the &lt;head&gt; of every page.</p>
      {BUILDS.map(({ build, title, text }) => (
        <div key={build} className="snippet-build">
          <div className="snippet-head">
            <strong>{title}</strong> <span className="muted">{text}</span>
            <button
              type="button"
              data-testid={`copy-snippet-${build}`}
              onClick={() => void copy(build)}
            >
              {copied === build ? 'Copied' : 'Copy'}
            </button>
          </div>
          <pre data-testid={`snippet-${build}`}>
            <code>{snippet(ingestUrl, site, build)}</code>
          </pre>
        </div>
      ))}
    </section>
  );
}
