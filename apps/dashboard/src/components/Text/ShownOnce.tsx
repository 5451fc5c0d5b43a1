/**
 * A secret shown once, at creation (a share link, an API key): only its hash is stored, so this
 * is the one chance to copy it. Give it `key={value}` so a new secret starts as not copied.
 */
import { useState } from 'react';

interface Props {
  value: string;
  /** What it is, for the sentence: "Copy the link now". */
  what: string;
  testId: string;
}

export function ShownOnce({ value, what, testId }: Props) {
  const [copied, setCopied] = useState(false);
  const copy = (): void => {
    void navigator.clipboard.writeText(value).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div className="card new-link" data-testid={testId}>
      <p>Copy the {what} now: it is not shown again.</p>
      <code>{value}</code>{' '}
      <button type="button" onClick={copy}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}
