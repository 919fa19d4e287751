/**
 * Path globs, the one matcher for every place that takes them (check's file arguments, workspace patterns of
 * package.json / pnpm-workspace.yaml / lerna.json): `*` and `?` within one path segment, `**` across segments
 * (`a/**` + `/b` also matches `a/b`), `{x,y}` alternatives, `[abc]` / `[!abc]` classes. Paths use `/`; a leading
 * `./` and a trailing `/` are ignored.
 */
export function globToRegExp(glob: string): RegExp {
  const pattern = glob.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        const slash = pattern[i + 2] === '/';
        source += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else source += '[^/]*';
    } else if (char === '?') source += '[^/]';
    else if (char === '{') {
      const close = pattern.indexOf('}', i);
      if (close === -1) source += '\\{';
      else {
        source += `(?:${pattern
          .slice(i + 1, close)
          .split(',')
          .map(escapeRegExp)
          .join('|')})`;
        i = close;
      }
    } else if (char === '[') {
      const close = pattern.indexOf(']', i);
      if (close === -1) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, close).replace(/^!/, '^')}]`;
        i = close;
      }
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
}
