/**
 * `.dockerignore` matching, enough for our checks: `#` comments, `*`, `?`, `**`, leading `!` exceptions,
 * the last matching line wins, and a pattern that matches a directory excludes everything under it.
 */
function toRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] ?? '';
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i += 1;
      if (pattern[i + 1] === '/') i += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}(/.*)?$`);
}

export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = (negate ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, regexp: toRegExp(pattern) };
    });
  return (path: string) => {
    const normalized = path.replace(/^\.\//, '').replace(/\/+$/, '');
    let excluded = false;
    for (const rule of rules) if (rule.regexp.test(normalized)) excluded = !rule.negate;
    return excluded;
  };
}
