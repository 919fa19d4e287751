/**
 * Finds the offset of the first JSON syntax error. Node's JSON.parse names a position for some errors only
 * ("Unexpected token '}', … is not valid JSON" carries none), so we scan the text ourselves to point at
 * file:line:col every time.
 */
export function jsonErrorOffset(text: string): number {
  let index = 0;
  const fail = (at: number): never => {
    throw new JsonSyntaxAt(at);
  };
  const space = () => {
    while (index < text.length && ' \t\n\r'.includes(text[index]!)) index++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, index)) index += word.length;
    else fail(index);
  };
  const string = () => {
    index++;
    while (index < text.length) {
      const char = text[index]!;
      if (char === '"') {
        index++;
        return;
      }
      if (char === '\\') index++;
      else if (char < ' ') fail(index);
      index++;
    }
    fail(index);
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(index, index + 64));
    if (!match) fail(index);
    index += match![0].length;
  };
  const value = (): void => {
    space();
    const char = text[index];
    if (char === '{') object();
    else if (char === '[') array();
    else if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) number();
    else fail(index);
  };
  const object = () => {
    index++;
    space();
    if (text[index] === '}') {
      index++;
      return;
    }
    for (;;) {
      space();
      if (text[index] !== '"') fail(index);
      string();
      space();
      if (text[index] !== ':') fail(index);
      index++;
      value();
      space();
      if (text[index] === ',') {
        index++;
        continue;
      }
      if (text[index] === '}') {
        index++;
        return;
      }
      fail(index);
    }
  };
  const array = () => {
    index++;
    space();
    if (text[index] === ']') {
      index++;
      return;
    }
    for (;;) {
      value();
      space();
      if (text[index] === ',') {
        index++;
        continue;
      }
      if (text[index] === ']') {
        index++;
        return;
      }
      fail(index);
    }
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) index = 1;
    value();
    space();
    if (index < text.length) fail(index);
    return text.length;
  } catch (error) {
    if (error instanceof JsonSyntaxAt) return error.offset;
    throw error;
  }
}

class JsonSyntaxAt extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at ${offset}`);
  }
}
