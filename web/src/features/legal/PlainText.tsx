import type { ReactNode } from 'react';

/**
 * Text a municipality wrote, shown as text: paragraphs at empty lines, line breaks kept, web and
 * e-mail addresses (and `[label](https://…)`) as links. Nothing in it is ever HTML, and only
 * http(s) and mailto links are made, so a text cannot run script or smuggle a javascript: link.
 */
export function PlainText({ text, lang }: { text: string; lang?: string | undefined }) {
  const paragraphs = text
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
  return (
    <div className="plain-text" lang={lang}>
      {paragraphs.map((paragraph, index) => (
        <p key={index}>
          {paragraph.split('\n').map((line, lineIndex) => (
            <span key={lineIndex}>
              {lineIndex > 0 && <br />}
              {linked(line)}
            </span>
          ))}
        </p>
      ))}
    </div>
  );
}

const LINKS =
  /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)])|([\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})/gi;

export function linked(line: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of line.matchAll(LINKS)) {
    const [whole, label, labelled, bare, email] = match;
    if (match.index > last) parts.push(line.slice(last, match.index));
    const href = labelled ?? bare ?? `mailto:${email ?? ''}`;
    parts.push(
      <a key={match.index} href={href}>
        {label ?? bare ?? email}
      </a>,
    );
    last = match.index + whole.length;
  }
  if (last < line.length) parts.push(line.slice(last));
  return parts;
}
