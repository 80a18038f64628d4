import { isValidElement, type ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { linked } from './PlainText';

const links = (line: string) =>
  linked(line)
    .filter((part): part is ReactElement<{ href: string; children: string }> => isValidElement(part))
    .map((part) => [part.props.href, part.props.children]);

describe('municipality text as text', () => {
  it('links web and e-mail addresses and labelled links, and nothing else', () => {
    expect(links('Mehr unter https://stadt.example.de/recht. Oder rathaus@stadt.example.de')).toEqual([
      ['https://stadt.example.de/recht', 'https://stadt.example.de/recht'],
      ['mailto:rathaus@stadt.example.de', 'rathaus@stadt.example.de'],
    ]);
    expect(links('[Landesportal](https://land.example.de)')).toEqual([['https://land.example.de', 'Landesportal']]);
    expect(links('[klick](javascript:alert(1)) <script>alert(1)</script>')).toEqual([]);
    expect(linked('<b>fett</b>')).toEqual(['<b>fett</b>']);
  });
});
